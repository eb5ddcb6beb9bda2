using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// A seeded fuzz run over every public endpoint: thousands of malformed, truncated, oversized, wrongly
/// encoded, type-confused, over-long and mis-signed requests — each one invalid by construction. Every
/// answer must be a 4xx (never a 500), the host must still be healthy, and no table may change. A
/// failure names its case number and the seed (<c>MHB_FUZZ_SEED</c>) so it replays exactly.
/// </summary>
public sealed class HostileInputTests
{
    private const string LineSecret = "fuzz-line-channel-secret";
    private const string MessengerSecret = "fuzz-messenger-app-secret";
    private const int CasesPerTarget = 250;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("MHB_FUZZ_SEED"), out var seed) ? seed : 20261121;

    /// <summary>One hostile request: where, how, with what body and headers (and what was done to it, for the report).</summary>
    private sealed record Hostile(string Description, HttpMethod Method, string Path, byte[]? Body, string? ContentType, Dictionary<string, string> Headers);

    /// <summary>A valid request body an endpoint accepts, that the fuzzer breaks.</summary>
    private sealed record Target(string Name, HttpMethod Method, string Path, string ValidJson, Func<byte[], Dictionary<string, string>> Sign, string[] TextFields);

    [Fact]
    public async Task Thousands_of_hostile_requests_get_only_4xx_answers_change_nothing_and_leave_the_host_healthy()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), new Dictionary<string, string?>
        {
            ["Line:ChannelSecret"] = LineSecret,
            ["Line:ChannelAccessToken"] = "fuzz-line-token",
            ["Line:ApiBaseUrl"] = "http://127.0.0.1:9/",
            ["Messenger:AppSecret"] = MessengerSecret,
            ["Messenger:VerifyToken"] = "fuzz-verify",
            ["Messenger:PageAccessToken"] = "fuzz-page-token",
            ["Messenger:GraphApiBaseUrl"] = "http://127.0.0.1:9/",
        });
        var client = app.CreateClient();
        var (_, adminKey) = await app.Services.GetRequiredService<ApiKeyStore>().CreateAsync("fuzz admin", "admin", null, CancellationToken.None);
        await app.Services.GetRequiredService<StaffStore>().AddAsync("fuzz@example.org", "fuzz staff password", "Fuzz", null, admin: true, CancellationToken.None);
        string staffToken;
        using (var signIn = await client.PostAsJsonAsync("/api/staff/token", new { email = "fuzz@example.org", password = "fuzz staff password" }))
        {
            staffToken = (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        }
        var worker = await DirectLineClient.StartAsync(app.CreateClient(), "vi-VN");
        await worker.PollAsync();

        Dictionary<string, string> Bearer(string token) => new() { ["Authorization"] = "Bearer " + token };
        var none = (byte[] _) => new Dictionary<string, string>();
        Target[] targets =
        [
            new("LINE webhook", HttpMethod.Post, "/api/line/webhook",
                """{"destination":"U0","events":[{"type":"message","webhookEventId":"01H","timestamp":1,"source":{"type":"user","userId":"U1"},"replyToken":"r","message":{"type":"text","id":"1","text":"xin chào"}}]}""",
                body => new() { ["x-line-signature"] = WebhookSignatures.SignBase64(LineSecret, body) }, ["text", "userId", "type"]),
            new("Messenger webhook", HttpMethod.Post, "/api/messenger/webhook",
                """{"object":"page","entry":[{"id":"P","time":1,"messaging":[{"sender":{"id":"S1"},"recipient":{"id":"P"},"timestamp":1,"message":{"mid":"m1","text":"kumusta"}}]}]}""",
                body => new() { ["X-Hub-Signature-256"] = WebhookSignatures.SignHex(MessengerSecret, body) }, ["text", "mid", "object"]),
            new("Direct Line activity", HttpMethod.Post, $"/v3/directline/conversations/{worker.ConversationId}/activities",
                """{"type":"message","from":{"id":"w"},"text":"xin chào"}""", _ => Bearer(worker.Token), ["text", "type"]),
            new("connector /api/messages", HttpMethod.Post, "/api/messages",
                """{"type":"message","id":"a1","channelId":"emulator","serviceUrl":"http://127.0.0.1:9/","from":{"id":"u"},"recipient":{"id":"b"},"conversation":{"id":"c-fuzz"},"text":"hello"}""",
                none, ["text", "type", "serviceUrl"]),
            new("triage", HttpMethod.Post, "/api/triage", """{"text":"Tôi chưa được trả lương","locale":"vi"}""", none, ["text", "locale"]),
            new("directory match", HttpMethod.Post, "/api/directory/match",
                """{"language":"vi","prefecture":"ibaraki","category":"unpaid_wages","emergency":false}""", _ => Bearer(adminKey), ["language", "prefecture", "category"]),
            new("directory create", HttpMethod.Post, "/api/directory/organizations", """{"id":"fuzz-org","names":{"ja":"ファズ","en":"Fuzz"}}""", _ => Bearer(adminKey), ["id"]),
            new("staff sign-in", HttpMethod.Post, "/api/staff/token", """{"email":"nobody@example.org","password":"x"}""", none, ["email", "password"]),
            new("staff message", HttpMethod.Post, "/api/cases/MHB-NOSUCH00/messages", """{"text":"こんにちは"}""", _ => Bearer(staffToken), ["text"]),
            new("staff transfer", HttpMethod.Post, "/api/cases/MHB-NOSUCH00/transfer", """{"organizationId":"x","reason":"y"}""", _ => Bearer(staffToken), ["organizationId", "reason"]),
        ];

        var random = new Random(Seed);
        var cases = new List<Hostile>();
        foreach (var target in targets)
        {
            for (var i = 0; i < CasesPerTarget; i++) cases.Add(Break(target, random));
        }
        cases.AddRange(QueryJunk(random, staffToken, adminKey, worker));

        var before = await SnapshotAsync(app);
        var failures = new List<string>();
        var histogram = new SortedDictionary<string, int>(StringComparer.Ordinal);
        for (var n = 0; n < cases.Count; n++)
        {
            var hostile = cases[n];
            using var request = new HttpRequestMessage(hostile.Method, hostile.Path);
            if (hostile.Body is not null)
            {
                request.Content = new ByteArrayContent(hostile.Body);
                if (hostile.ContentType is not null) request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(hostile.ContentType);
            }
            foreach (var (name, value) in hostile.Headers) request.Headers.TryAddWithoutValidation(name, value);
            int status;
            try
            {
                using var response = await client.SendAsync(request);
                status = (int)response.StatusCode;
            }
            catch (Exception exception)
            {
                failures.Add($"case {n} (seed {Seed}): {hostile.Description} → {exception.GetType().Name}: {exception.Message}");
                continue;
            }
            histogram[$"{hostile.Description.Split(':')[0]} {status}"] = histogram.GetValueOrDefault($"{hostile.Description.Split(':')[0]} {status}") + 1;
            if (status is < 400 or > 499) failures.Add($"case {n} (seed {Seed}): {hostile.Description} → {status}");
        }

        Assert.True(cases.Count >= 2500, $"only {cases.Count} cases");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} hostile requests were not answered with a 4xx:\n{string.Join("\n", failures.Take(40))}");
        // Every kind of refusal was exercised, not just one: malformed (400), unauthenticated (401), forbidden (403), too large (413), wrong type (415).
        foreach (var status in new[] { 400, 401, 403, 413, 415 }) Assert.Contains(histogram, h => h.Key.EndsWith(" " + status, StringComparison.Ordinal));
        using (var health = await client.GetAsync("/healthz")) Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
        var after = await SnapshotAsync(app);
        Assert.Equal(before, after);
    }

    /// <summary>One way to break a valid request, chosen at random; every one makes it invalid.</summary>
    private static Hostile Break(Target target, Random random)
    {
        var valid = Encoding.UTF8.GetBytes(target.ValidJson);
        var kind = random.Next(10);
        byte[] body;
        string? contentType = "application/json";
        string description;
        var signWith = (byte[] b) => target.Sign(b);
        switch (kind)
        {
            case 0:
                var cut = random.Next(1, valid.Length - 1);
                body = valid[..cut];
                description = $"truncated at {cut}";
                break;
            case 1:
                body = new byte[random.Next(1, 300)];
                random.NextBytes(body);
                body[0] = (byte)'{';
                description = $"{body.Length} random bytes";
                break;
            case 2:
                // Invalid UTF-8 inside a string value.
                var text = target.ValidJson;
                var at = text.IndexOf(":\"", StringComparison.Ordinal) + 2;
                body = [.. Encoding.UTF8.GetBytes(text[..at]), 0xC3, 0x28, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes(text[at..])];
                description = "invalid UTF-8 in a string";
                break;
            case 3:
                var field = target.TextFields[random.Next(target.TextFields.Length)];
                var replacement = random.Next(4) switch { 0 => "123", 1 => "[\"x\"]", 2 => "{\"$ref\":1}", _ => "true" };
                var node = JsonNode(target.ValidJson);
                body = Encoding.UTF8.GetBytes(ReplaceAll(node, field, replacement));
                description = $"\"{field}\" as {replacement}";
                break;
            case 4:
                var depth = random.Next(200, 3000);
                body = Encoding.UTF8.GetBytes(new string('[', depth) + new string(']', depth));
                description = $"nesting {depth} deep";
                break;
            case 5:
                body = valid;
                contentType = random.Next(3) switch { 0 => "text/plain", 1 => "application/xml", _ => null };
                description = $"content type {contentType ?? "(none)"}";
                // The webhooks answer to a valid signature over any content type: sign something else instead.
                if (target.Name.Contains("webhook", StringComparison.Ordinal)) signWith = _ => target.Sign([.. valid, (byte)' ']);
                break;
            case 6:
                body = Encoding.UTF8.GetBytes(target.ValidJson.Replace("\"", "'", StringComparison.Ordinal));
                description = "single quotes";
                break;
            case 7:
                body = Encoding.UTF8.GetBytes(random.Next(3) switch { 0 => "null", 1 => "[]", _ => "\"just a string\"" });
                description = $"root {Encoding.UTF8.GetString(body)}";
                break;
            case 8:
                var big = random.Next(2) == 0 ? 1_100_000 : 5_000;
                var longText = new string('あ', big);
                var f = target.TextFields[0];
                body = Encoding.UTF8.GetBytes(ReplaceAll(JsonNode(target.ValidJson), f, JsonSerializer.Serialize(longText))[..^1]); // and cut the closing brace
                description = $"\"{f}\" of {big} characters, unterminated";
                break;
            default:
                body = valid;
                description = "valid body, forged or missing credentials";
                var headers = target.Sign(valid);
                var forged = headers.ToDictionary(h => h.Key, h => random.Next(3) switch
                {
                    0 => h.Value[..^2] + (h.Value[^1] == 'A' ? "BA" : "AB"),
                    1 => "",
                    _ => "Bearer mhs_" + Convert.ToHexString(Guid.NewGuid().ToByteArray()),
                });
                if (headers.Count == 0)
                {
                    // Endpoints without credentials: break the body instead.
                    body = valid[..^1];
                    description = "valid body without its last brace";
                }
                return new Hostile($"{target.Name}: {description}", target.Method, target.Path, body, "application/json", forged);
        }
        return new Hostile($"{target.Name}: {description}", target.Method, target.Path, body, contentType, signWith(body));
    }

    /// <summary>Bad query strings and ids on the GET endpoints.</summary>
    private static IEnumerable<Hostile> QueryJunk(Random random, string staffToken, string adminKey, DirectLineClient worker)
    {
        string Junk() => random.Next(4) switch
        {
            0 => "%00%ff",
            1 => new string('x', 3000),
            2 => "'; DROP TABLE cases; --",
            _ => "-" + random.Next(),
        };
        var staff = new Dictionary<string, string> { ["Authorization"] = "Bearer " + staffToken };
        var admin = new Dictionary<string, string> { ["Authorization"] = "Bearer " + adminKey };
        for (var i = 0; i < 200; i++)
        {
            var junk = Uri.EscapeDataString(Junk());
            yield return random.Next(7) switch
            {
                0 => new Hostile("cases filter", HttpMethod.Get, $"/api/cases?status={junk}&urgency={junk}", null, null, staff),
                1 => new Hostile("cases limit", HttpMethod.Get, $"/api/cases?limit={junk}", null, null, staff),
                2 => new Hostile("timeline after", HttpMethod.Get, $"/api/cases/{junk}/timeline?after={junk}", null, null, staff),
                3 => new Hostile("directory filter", HttpMethod.Get, $"/api/directory/organizations?language={junk}&prefecture={junk}", null, null, admin),
                4 => new Hostile("messenger verify", HttpMethod.Get, $"/api/messenger/webhook?hub.mode=subscribe&hub.verify_token={junk}&hub.challenge=1", null, null, []),
                5 => new Hostile("direct line other conversation", HttpMethod.Get, $"/v3/directline/conversations/{junk}/activities", null, null,
                    new() { ["Authorization"] = "Bearer " + worker.Token }),
                _ => new Hostile("audit limit", HttpMethod.Get, $"/api/audit?limit={junk}", null, null, staff),
            };
        }
    }

    private static System.Text.Json.Nodes.JsonNode JsonNode(string json) => System.Text.Json.Nodes.JsonNode.Parse(json)!;

    /// <summary>The JSON with every property named <paramref name="field"/> (at any depth) set to the raw JSON <paramref name="raw"/>.</summary>
    private static string ReplaceAll(System.Text.Json.Nodes.JsonNode node, string field, string raw)
    {
        const string Marker = "\u0001FUZZ\u0001";
        void Walk(System.Text.Json.Nodes.JsonNode? n)
        {
            switch (n)
            {
                case System.Text.Json.Nodes.JsonObject o:
                    foreach (var name in o.Select(p => p.Key).ToList())
                    {
                        if (name == field) o[name] = Marker;
                        else Walk(o[name]);
                    }
                    break;
                case System.Text.Json.Nodes.JsonArray a:
                    foreach (var item in a) Walk(item);
                    break;
            }
        }
        Walk(node);
        return node.ToJsonString().Replace(JsonSerializer.Serialize(Marker), raw, StringComparison.Ordinal);
    }

    /// <summary>
    /// Every table but the audit (a refused sign-in is recorded there on purpose): its row count and a digest of
    /// all its rows, so a hostile request that changed a row — not only one that added one — shows.
    /// </summary>
    private static async Task<SortedDictionary<string, string>> SnapshotAsync(BotApplication app)
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in (await app.Database.StoredAsync()).Rows.Where(r => r.Table != "case_audit").GroupBy(r => r.Table))
        {
            var rows = table.Select(r => r.Render("\u0001")).Order(StringComparer.Ordinal).ToList();
            snapshot[table.Key] = $"{rows.Count} rows, {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", rows))))[..16]}";
        }
        return snapshot;
    }
}
