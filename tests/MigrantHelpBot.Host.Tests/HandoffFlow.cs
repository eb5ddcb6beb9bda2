using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// A case handed to a person, as several test classes need it: the host with two test unions and a
/// coordinator, a worker in danger on Direct Line who agrees to share, the organisation's staff member
/// who accepts it, and polling helpers for what the worker reads and what staff see.
/// </summary>
internal static class HandoffFlow
{
    public const string Password = "correct horse battery";

    public static readonly LocaleCatalog Locales = LocaleCatalog.Load(new LanguageOptions
    {
        Supported = ["vi", "tl", "km", "my", "en"], Fallback = "en", Staff = ["ja"], Path = RepositoryPaths.Locales,
    });

    public static string T(string language, string key, Dictionary<string, string>? values = null) => Locales.Text(language, key, values);

    public static async Task<BotApplication> StartAsync(Engine engine, Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        settings ??= [];
        settings.TryAdd("Directory:SeedFile", Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml"));
        settings.TryAdd("Handoff:SweepInterval", "00:00:00.200");
        var app = new BotApplication(await TestDatabase.CreateAsync(engine), settings, services);
        app.CreateClient().Dispose();
        var staff = app.Services.GetRequiredService<StaffStore>();
        await staff.AddAsync("a@union-a.example", Password, "Aさん", "union-a", admin: false, CancellationToken.None);
        await staff.AddAsync("b@union-b.example", Password, "Bさん", "union-b", admin: false, CancellationToken.None);
        await staff.AddAsync("coordinator@coalition.example", Password, "調整役", null, admin: true, CancellationToken.None);
        return app;
    }

    public static async Task<HttpClient> StaffAsync(BotApplication app, string email)
    {
        var client = app.CreateClient();
        using var response = await client.PostAsJsonAsync("/api/staff/token", new { email, password = Password });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("access_token").GetString());
        return client;
    }

    public static async Task<T> EventuallyAsync<T>(Func<Task<T?>> probe, string what, int seconds = 30) where T : class
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await probe() is { } found) return found;
        }
        throw new TimeoutException("Timed out waiting for " + what);
    }

    public static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement?>> probe, string what, int seconds = 30)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); DateTime.UtcNow < deadline; await Task.Delay(50))
        {
            if (await probe() is { } found) return found;
        }
        throw new TimeoutException("Timed out waiting for " + what);
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A worker in danger on Direct Line agrees to share; the staff member of the organisation it is offered to accepts it.</summary>
    public static async Task<(DirectLineClient Worker, HttpClient Staff, string CaseId, string StaffSays)> HeldCaseAsync(BotApplication app, string locale, string language, string danger)
    {
        var myanmar = app.Services.GetRequiredService<MyanmarText>();
        var worker = await DirectLineClient.StartAsync(app.CreateClient(), locale);
        await worker.PollAsync();
        await worker.SayAsync(danger);
        var replies = (await worker.PollAsync()).Where(a => a.From?.Role == "bot").ToList();
        Assert.Contains(replies[^1].Text, new[] { T(language, "emergency.share_ask"), myanmar.ToZawgyi(T(language, "emergency.share_ask")) }); // Zawgyi for a Zawgyi writer
        await worker.SayAsync(replies[^1].SuggestedActions!.Actions![0].Title!); // yes, share
        var admin = await StaffAsync(app, "coordinator@coalition.example");
        var offered = await EventuallyAsync(async () =>
        {
            var cases = await admin.GetFromJsonAsync<JsonElement>("/api/cases");
            return cases.EnumerateArray().Where(c => c.GetProperty("status").GetString() == "offered").Select(c => (JsonElement?)c).FirstOrDefault();
        }, "the case to be offered");
        var holder = offered.GetProperty("organizationId").GetString()!;
        var staff = await StaffAsync(app, holder == "union-a" ? "a@union-a.example" : "b@union-b.example");
        var id = offered.GetProperty("id").GetString()!;
        using (var accept = await staff.PostAsync($"/api/cases/{id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        var (name, organization) = holder == "union-a" ? ("Aさん", "Test Union A") : ("Bさん", "Test Union B");
        var accepted = T(language, "handoff.accepted", new() { ["name"] = name, ["organization"] = organization, ["stop"] = T(language, "commands.stop.label") });
        await WorkerReadsAsync(worker, m => m == accepted || m == myanmar.ToZawgyi(accepted), "the accepted notice");
        var says = T(language, "handoff.staff_says", new() { ["name"] = name, ["organization"] = organization });
        return (worker, staff, id, says);
    }

    /// <summary>Polls the worker's Direct Line until a bot message matches; returns every bot message seen meanwhile.</summary>
    public static async Task<List<string>> WorkerReadsAsync(DirectLineClient worker, Func<string, bool> match, string what, int seconds = 30)
    {
        var seen = new List<string>();
        try
        {
            await EventuallyAsync(async () =>
            {
                seen.AddRange((await worker.PollAsync()).Where(a => a.From?.Role == "bot" && a.Type == ActivityTypes.Message).Select(a => a.Text ?? string.Empty));
                return seen.Any(match) ? seen : null;
            }, what, seconds);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; the worker read: {string.Join(" | ", seen)}", timeout);
        }
        return seen;
    }

    public static async Task<JsonElement> EntryAsync(HttpClient staff, string caseId, Func<JsonElement, bool> match, string what) =>
        await EventuallyAsync(async () =>
        {
            var detail = await staff.GetFromJsonAsync<JsonElement>($"/api/cases/{caseId}");
            return detail.GetProperty("timeline").EnumerateArray().Where(match).Select(e => (JsonElement?)e).FirstOrDefault();
        }, what);


    /// <summary>Settings that point a host at a fake Azure Translator.</summary>
    public static Dictionary<string, string?> TranslatorSettings(FakeTranslator translator, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Translator:Endpoint"] = translator.Endpoint.ToString(),
            ["Translator:Key"] = FakeTranslator.Key,
            ["Translator:Region"] = FakeTranslator.Region,
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    /// <summary>
    /// A Vietnamese worker in danger whose case a person takes; the worker writes <paramref name="workerText"/> (read
    /// translated by staff) and staff answer <paramref name="reply"/>, which the worker reads as <paramref name="replyRead"/>.
    /// </summary>
    public static async Task<(DirectLineClient Worker, HttpClient Staff, string CaseId)> TranslatedConsultationAsync(
        BotApplication app, string danger, string workerText, string reply, string replyRead)
    {
        ArgumentNullException.ThrowIfNull(app);
        var (worker, staff, id, says) = await HeldCaseAsync(app, "vi-VN", "vi", danger);
        await worker.SayAsync(workerText);
        await EntryAsync(staff, id, e => e.TryGetProperty("text", out var t) && t.GetString() == workerText
            && e.GetProperty("translation").GetProperty("status").GetString() == "done", "the worker's message translated");
        using (var sent = await staff.PostAsync($"/api/cases/{id}/messages", Json(JsonSerializer.Serialize(new { text = reply })))) Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        await WorkerReadsAsync(worker, m => m.StartsWith(says + "\n" + replyRead, StringComparison.Ordinal), "the reply");
        return (worker, staff, id);
    }
}
