using System.Diagnostics;
using System.Text;
using System.Text.Json;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Our <c>x-line-signature</c> (<see cref="WebhookSignatures"/>) cross-checked against the official LINE SDK's
/// <c>validateSignature</c> (npm <c>@line/bot-sdk</c>, installed in line-sdk/ by <c>npm ci</c>), run under node.
/// </summary>
public class LineSdkSignatureTests
{
    private const string HowToGetTheSdk = "run npm ci --ignore-scripts in tests/MigrantHelpBot.Host.Tests/line-sdk";

    private static string SdkDirectory => Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "line-sdk");

    private static readonly string[] Secrets =
    [
        "8c570fa6dd201bb328f1c1eac23a96d8",
        "0123456789abcdef0123456789abcdef",
        "bí mật-ลับ-🔑",
    ];

    private static IEnumerable<(string Name, byte[] Body)> Bodies()
    {
        yield return ("ascii-json", Encoding.UTF8.GetBytes("""{"destination":"U1234567890abcdef1234567890abcdef","events":[{"type":"message","message":{"type":"text","id":"468789577898262530","text":"Hello, I need help"},"webhookEventId":"01H810YECXQQZ37VAXPF6H9E6T","deliveryContext":{"isRedelivery":false},"timestamp":1692251666727,"source":{"type":"user","userId":"U4af4980629abcdef"},"replyToken":"38ef843bde154d9b91c21320ffd17a0f","mode":"active"}]}"""));
        yield return ("vietnamese", Encoding.UTF8.GetBytes("""{"events":[{"type":"message","message":{"type":"text","text":"Tôi cần giúp đỡ về thị thực và lương chưa được trả"}}]}"""));
        yield return ("burmese", Encoding.UTF8.GetBytes("""{"events":[{"type":"message","message":{"type":"text","text":"ကျေးဇူးပြု၍ ကူညီပါ။ အလုပ်ရှင်က လစာမပေးပါ"}}]}"""));
        yield return ("emoji", Encoding.UTF8.GetBytes("""{"events":[{"type":"message","message":{"type":"text","text":"🙏🇻🇳🇲🇲 help 👷‍♀️"}}]}"""));
        yield return ("empty-events", Encoding.UTF8.GetBytes("""{"destination":"U1234567890abcdef1234567890abcdef","events":[]}"""));
        yield return ("100kb", HundredKilobyteBody());
    }

    private static byte[] HundredKilobyteBody()
    {
        var text = new StringBuilder("""{"events":[""");
        for (var i = 0; text.Length < 100 * 1024; i++)
        {
            if (i > 0) text.Append(',');
            text.Append($$$"""{"type":"message","message":{"type":"text","id":"{{{i}}}","text":"Xin chào {{{i}}} ကျေးဇူး 🙏"}}""");
        }
        text.Append("]}");
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    [Fact]
    public async Task The_LINE_SDK_accepts_our_signature_for_every_body_and_secret()
    {
        var cases = (from body in Bodies()
                     from secret in Secrets
                     select new SignatureCase($"{body.Name} / {secret}", body.Body, secret, WebhookSignatures.SignBase64(secret, body.Body))).ToList();
        Assert.All(cases, c => Assert.Equal(44, c.Signature.Length));

        var sdk = await ValidateWithSdkAsync(cases);

        Assert.All(cases.Zip(sdk), pair => Assert.True(pair.Second, $"the SDK rejected our signature for {pair.First.Name}"));
    }

    [Fact]
    public async Task The_LINE_SDK_rejects_a_tampered_body_or_wrong_secret_and_our_validator_agrees_on_every_case()
    {
        var cases = new List<(SignatureCase Case, bool Expected)>();
        foreach (var (name, body) in Bodies())
        {
            foreach (var secret in Secrets)
            {
                var signature = WebhookSignatures.SignBase64(secret, body);
                var tampered = body.ToArray();
                tampered[tampered.Length / 2] ^= 0x01;
                cases.Add((new SignatureCase($"{name} / {secret} / ours", body, secret, signature), true));
                cases.Add((new SignatureCase($"{name} / {secret} / tampered body", tampered, secret, signature), false));
                cases.Add((new SignatureCase($"{name} / {secret} / one byte more", [.. body, (byte)' '], secret, signature), false));
                cases.Add((new SignatureCase($"{name} / {secret} / wrong secret", body, secret + "x", signature), false));
                cases.Add((new SignatureCase($"{name} / {secret} / signed with another secret", body, secret, WebhookSignatures.SignBase64(secret.ToUpperInvariant() + "0", body)), false));
                cases.Add((new SignatureCase($"{name} / {secret} / truncated signature", body, secret, signature[..40]), false));
                cases.Add((new SignatureCase($"{name} / {secret} / empty signature", body, secret, ""), false));
            }
        }

        var sdk = await ValidateWithSdkAsync(cases.Select(c => c.Case).ToList());

        Assert.All(cases.Zip(sdk), pair =>
        {
            var ((c, expected), sdkSays) = pair;
            Assert.True(expected == sdkSays, $"the SDK said {sdkSays} for {c.Name}, expected {expected}");
            Assert.True(sdkSays == WebhookSignatures.IsValidBase64(c.Secret, c.Body, c.Signature), $"IsValidBase64 disagrees with the SDK ({sdkSays}) for {c.Name}");
        });
    }

    /// <summary>Runs line-sdk/check.js under node: one JSON line per case in, one true/false per case out.</summary>
    private static async Task<IReadOnlyList<bool>> ValidateWithSdkAsync(IReadOnlyList<SignatureCase> cases)
    {
        var node = Node();
        Requires.File(Path.Combine(SdkDirectory, "node_modules", "@line", "bot-sdk", "package.json"), HowToGetTheSdk);
        var script = Path.Combine(SdkDirectory, "check.js");
        Assert.True(File.Exists(script), $"{script} is missing");

        var start = new ProcessStartInfo(node)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            StandardOutputEncoding = Encoding.UTF8,
            WorkingDirectory = SdkDirectory,
        };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start)!;
        var cancellation = TestContext.Current.CancellationToken;
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var errors = process.StandardError.ReadToEndAsync(cancellation);
        foreach (var c in cases)
        {
            var line = JsonSerializer.Serialize(new { body = Convert.ToBase64String(c.Body), secret = c.Secret, signature = c.Signature });
            await process.StandardInput.WriteLineAsync(line.AsMemory(), cancellation);
        }
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("node line-sdk/check.js did not exit");
        }
        var stdout = await output;
        var stderr = await errors;
        Assert.True(process.ExitCode == 0, $"node line-sdk/check.js exited with {process.ExitCode}: {stderr}");

        var results = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(cases.Count, results.Length);
        return [.. results.Select(r => r switch
        {
            "true" => true,
            "false" => false,
            _ => throw new Xunit.Sdk.XunitException($"unexpected output from check.js: {r}"),
        })];
    }

    /// <summary>The node executable on PATH; missing, the test is skipped (and fails under CI=true).</summary>
    private static string Node()
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var name in OperatingSystem.IsWindows() ? new[] { "node.exe" } : ["node"])
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate)) return candidate;
            }
        }
        return Requires.File("/usr/bin/node", "Node.js is not installed (apt-get install nodejs, or put node on PATH).");
    }

    private sealed record SignatureCase(string Name, byte[] Body, string Secret, string Signature);
}
