using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary><c>POST /api/triage</c> and the <c>triage</c> and <c>validate</c> commands.</summary>
public class TriageTests
{
    [Fact]
    public async Task The_endpoint_returns_what_the_classifier_reads()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/triage", new { text = "cong ty khong tra luong 3 thang roi" });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("vi", body.GetProperty("language").GetString());
        Assert.Equal("unpaid_wages", body.GetProperty("category").GetString());
        Assert.False(body.GetProperty("emergency").GetBoolean());
        Assert.InRange(body.GetProperty("confidence").GetDouble(), 0.01, 1);
        Assert.Contains(body.GetProperty("signals").EnumerateArray(), s => s.GetString()!.StartsWith("unpaid_wages:", StringComparison.Ordinal));
        Assert.Equal("cong ty khong tra luong 3 thang roi", body.GetProperty("normalizedText").GetString());
    }

    [Fact]
    public async Task Zawgyi_is_read_as_Unicode_and_danger_is_flagged()
    {
        var myanmar = new MyanmarText(NullLogger<MyanmarText>.Instance);
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        const string unicode = "အလုပ်ရှင်က ကျွန်မကို အခု ရိုက်နေတယ် ကူညီပါ";

        using var response = await client.PostAsJsonAsync("/api/triage", new { text = myanmar.ToZawgyi(unicode) });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal("my", body.GetProperty("language").GetString());
        Assert.Equal(unicode, body.GetProperty("normalizedText").GetString());
        Assert.True(body.GetProperty("emergency").GetBoolean());
        Assert.Equal("violence_now", body.GetProperty("emergencyKind").GetString());
        Assert.Contains(body.GetProperty("signals").EnumerateArray(), s => s.GetString() == "encoding:zawgyi");
    }

    public static TheoryData<string, string, string?> BadRequests => new()
    {
        { "no text", """{"locale":"vi"}""", "text" },
        { "blank text", """{"text":"   "}""", "text" },
        { "text not a string", """{"text":42}""", null },
        { "oversized text", JsonSerializer.Serialize(new { text = new string('a', 4001) }), "text" },
        { "not JSON", "text=hello", null },
    };

    [Theory, MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_not_a_500(string why, string body, string? field)
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/triage", new StringContent(body, Encoding.UTF8, "application/json"));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{why}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        if (field is not null) Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), why);
    }

    [Fact]
    public async Task The_triage_command_prints_the_same_json()
    {
        var (exit, output, _) = await RunHostAsync("triage", "Sinasaktan po ako ng amo ko ngayon, tulong");

        Assert.Equal(0, exit);
        var body = JsonDocument.Parse(output).RootElement;
        Assert.Equal("tl", body.GetProperty("language").GetString());
        Assert.Equal("violence_harassment", body.GetProperty("category").GetString());
        Assert.True(body.GetProperty("emergency").GetBoolean());
    }

    [Fact]
    public async Task The_triage_command_without_text_prints_its_usage()
    {
        var (exit, _, errors) = await RunHostAsync("triage");

        Assert.Equal(2, exit);
        Assert.Contains("usage: triage", errors);
    }

    [Fact]
    public async Task The_validate_command_checks_the_real_flows_and_names_what_is_wrong_in_broken_ones()
    {
        var (ok, okOutput, _) = await RunHostAsync("validate");
        Assert.Equal(0, ok);
        Assert.StartsWith("OK:", okOutput);

        using var broken = new TemporaryDirectory();
        CopyDirectory(RepositoryPaths.Dialogs, broken.Path);
        var triage = Path.Combine(broken.Path, "triage.yaml");
        File.WriteAllText(triage, File.ReadAllText(triage).Replace("text: triage.safe_ask", "text: triage.no_such_key", StringComparison.Ordinal));

        var (exit, _, errors) = await RunHostWithDialogsAsync(broken.Path, ["validate"]);

        Assert.Equal(1, exit);
        Assert.Contains("triage.no_such_key", errors);
    }

    [Fact]
    public async Task A_broken_lexicon_is_named_by_validate_and_stops_the_host_at_start_up()
    {
        using var locales = new TemporaryDirectory();
        CopyDirectory(RepositoryPaths.Locales, locales.Path);
        var lexicon = Path.Combine(locales.Path, "triage", "vi.yaml");
        File.AppendAllText(lexicon, "\nemergency:\n  not_a_kind: [x]\n");

        var (exit, _, errors) = await RunHostAsync(locales.Path, RepositoryPaths.Dialogs, ["validate"]);
        Assert.Equal(1, exit);
        Assert.Contains("vi.yaml", errors);

        await using var app = new BotApplication(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["Languages:Path"] = locales.Path });
        var failure = Assert.ThrowsAny<Exception>(() => app.CreateClient());
        Assert.Contains("vi.yaml", failure.ToString());
    }

    private static Task<(int Exit, string Output, string Errors)> RunHostAsync(params string[] args) => RunHostAsync(RepositoryPaths.Locales, RepositoryPaths.Dialogs, args);

    private static Task<(int Exit, string Output, string Errors)> RunHostWithDialogsAsync(string dialogs, string[] args) => RunHostAsync(RepositoryPaths.Locales, dialogs, args);

    /// <summary>Runs the built host (MigrantHelpBot.Host.dll beside the tests) as a worker would run the README's command.</summary>
    private static async Task<(int Exit, string Output, string Errors)> RunHostAsync(string locales, string dialogs, string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "MigrantHelpBot.Host.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["Languages__Path"] = locales;
        start.Environment["Dialogs__Path"] = dialogs;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"The host did not exit: {string.Join(' ', args)}");
        }
        return (process.ExitCode, await output, await errors);
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var directory in System.IO.Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories)) System.IO.Directory.CreateDirectory(directory.Replace(from, to, StringComparison.Ordinal));
        foreach (var file in System.IO.Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, file.Replace(from, to, StringComparison.Ordinal));
    }
}
