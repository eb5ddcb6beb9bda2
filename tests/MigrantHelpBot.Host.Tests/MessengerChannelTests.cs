using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Channels;
using MigrantHelpBot.Channels.Messenger;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>Messenger end to end: Meta's verification, signed batched webhooks, the Send API on a fake Graph server, the messaging window.</summary>
public class MessengerChannelTests
{
    private const string AppSecret = "test-app-secret";
    private const string VerifyToken = "test-verify-token";
    private const string PageToken = "test-page-access-token";

    private sealed class FakeGraph : IAsyncDisposable
    {
        public LoopbackServer Server { get; private set; } = null!;
        public ConcurrentQueue<JsonObject> Sent { get; } = new();
        public ConcurrentQueue<string> Problems { get; } = new();

        /// <summary>Refuse the next send whose text contains this, as Graph does for a person who cannot be reached.</summary>
        public string? RefuseText { get; set; }

        public static async Task<FakeGraph> StartAsync()
        {
            var fake = new FakeGraph();
            fake.Server = await LoopbackServer.StartAsync(app =>
            {
                app.MapPost("/me/messages", async (HttpRequest request) =>
                {
                    if (request.Headers.Authorization.ToString() != "Bearer " + PageToken) return Results.Json(new { error = new { message = "Invalid OAuth access token.", code = 190 } }, statusCode: 401);
                    var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!.AsObject();
                    if (fake.RefuseText is { } refused && body["message"]?["text"]?.GetValue<string>().Contains(refused, StringComparison.Ordinal) == true)
                    {
                        return Results.Json(new { error = new { message = "(#551) This person isn't available right now.", code = 551 } }, statusCode: 400);
                    }
                    if (Check(body) is { } problem)
                    {
                        fake.Problems.Enqueue(problem);
                        return Results.Json(new { error = new { message = problem, code = 100 } }, statusCode: 400);
                    }
                    fake.Sent.Enqueue(body);
                    return Results.Json(new { recipient_id = body["recipient"]!["id"]!.GetValue<string>(), message_id = "m_" + Guid.NewGuid().ToString("N") });
                });
                app.MapGet("/{psid}", (string psid) => Results.Json(new { locale = "tl_PH", id = psid }));
            });
            return fake;
        }

        /// <summary>The Send API's documented shape and limits.</summary>
        private static string? Check(JsonObject body)
        {
            if (string.IsNullOrEmpty(body["recipient"]?["id"]?.GetValue<string>())) return "recipient.id missing";
            var type = body["messaging_type"]?.GetValue<string>();
            if (type is not ("RESPONSE" or "UPDATE" or "MESSAGE_TAG")) return "messaging_type missing or unknown";
            if (type == "MESSAGE_TAG" && body["tag"]?.GetValue<string>() != "HUMAN_AGENT") return "MESSAGE_TAG needs tag HUMAN_AGENT here";
            if (type != "MESSAGE_TAG" && body["tag"] is not null) return "tag only with MESSAGE_TAG";
            var text = body["message"]?["text"]?.GetValue<string>() ?? string.Empty;
            if (text.Length is 0 or > 2000) return "message.text must be 1–2000 characters";
            if (body["message"]?["quick_replies"] is JsonArray quick)
            {
                if (quick.Count is < 1 or > 13) return "quick_replies must be 1–13";
                foreach (var reply in quick)
                {
                    if (reply?["content_type"]?.GetValue<string>() != "text") return "content_type text";
                    if (new StringInfo(reply["title"]?.GetValue<string>() ?? string.Empty).LengthInTextElements is 0 or > 20) return "title must be 1–20 characters";
                    if ((reply["payload"]?.GetValue<string>() ?? string.Empty).Length is 0 or > 1000) return "payload must be 1–1000 characters";
                }
            }
            return null;
        }

        public async Task<List<JsonObject>> WaitAsync(Func<JsonObject, bool> match, int count = 1)
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(25))
            {
                var found = Sent.Where(match).ToList();
                if (found.Count >= count) return found;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Graph received {found.Count} of {count}; problems: {string.Join("; ", Problems)}");
            }
        }

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }

    private static Dictionary<string, string?> Settings(FakeGraph graph) => new()
    {
        ["Messenger:AppSecret"] = AppSecret,
        ["Messenger:VerifyToken"] = VerifyToken,
        ["Messenger:PageAccessToken"] = PageToken,
        ["Messenger:GraphApiBaseUrl"] = graph.Server.BaseAddress.ToString().TrimEnd('/'),
    };

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? signature = "sign")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messenger/webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null) request.Headers.Add("X-Hub-Signature-256", signature == "sign" ? WebhookSignatures.SignHex(AppSecret, bytes) : signature);
        return await client.SendAsync(request);
    }

    private static JsonObject Text(string psid, string text, string? mid = null) => new()
    {
        ["sender"] = new JsonObject { ["id"] = psid },
        ["recipient"] = new JsonObject { ["id"] = "PAGE1" },
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ["message"] = new JsonObject { ["mid"] = mid ?? "m_" + Guid.NewGuid().ToString("N"), ["text"] = text },
    };

    private static string Body(params JsonObject[][] entries) => new JsonObject
    {
        ["object"] = "page",
        ["entry"] = new JsonArray([.. entries.Select(events => (JsonNode)new JsonObject
        {
            ["id"] = "PAGE1",
            ["time"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["messaging"] = new JsonArray([.. events.Select(e => (JsonNode)e.DeepClone())]),
        })]),
    }.ToJsonString();

    [Fact]
    public async Task The_verification_request_is_answered_only_with_the_right_token()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), Settings(graph));
        var client = app.CreateClient();
        using (var ok = await client.GetAsync($"/api/messenger/webhook?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1158201444"))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        }
        using (var wrong = await client.GetAsync("/api/messenger/webhook?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1")) Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        using (var mode = await client.GetAsync($"/api/messenger/webhook?hub.mode=unsubscribe&hub.verify_token={VerifyToken}&hub.challenge=1")) Assert.Equal(HttpStatusCode.Forbidden, mode.StatusCode);
        await using var off = new BotApplication(TestDatabase.CreateSqlite());
        using (var notFound = await off.CreateClient().GetAsync($"/api/messenger/webhook?hub.mode=subscribe&hub.verify_token={VerifyToken}&hub.challenge=1")) Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task Batched_signed_events_are_each_answered_once_echoes_are_ignored_and_forgeries_store_nothing()
    {
        await using var graph = await FakeGraph.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), Settings(graph));
        var client = app.CreateClient();
        var (a, b) = ("PSID" + Guid.NewGuid().ToString("N")[..10], "PSID" + Guid.NewGuid().ToString("N")[..10]);
        var first = Text(a, "Tagalog");
        var postback = new JsonObject
        {
            ["sender"] = new JsonObject { ["id"] = b }, ["recipient"] = new JsonObject { ["id"] = "PAGE1" }, ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["postback"] = new JsonObject { ["mid"] = "m_pb_" + Guid.NewGuid().ToString("N"), ["title"] = "Get Started", ["payload"] = "Tiếng Việt" },
        };
        var echo = Text("PAGE1", "an echo of our own message");
        echo["message"]!["is_echo"] = true;
        echo["message"]!["app_id"] = 1517776481860111;
        var read = new JsonObject { ["sender"] = new JsonObject { ["id"] = a }, ["recipient"] = new JsonObject { ["id"] = "PAGE1" }, ["read"] = new JsonObject { ["watermark"] = 1 } };
        var body = Body([first, echo, read], [postback, first]);

        using (var forged = await PostAsync(client, body, WebhookSignatures.SignHex("wrong", Encoding.UTF8.GetBytes(body)))) Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using (var unsigned = await PostAsync(client, body, signature: null)) Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        using (var sha1 = await PostAsync(client, body, "sha1=0123456789abcdef0123456789abcdef01234567")) Assert.Equal(HttpStatusCode.Unauthorized, sha1.StatusCode);
        using (var notPage = await PostAsync(client, """{"object":"user","entry":[]}""")) Assert.Equal(HttpStatusCode.BadRequest, notPage.StatusCode);
        using (var malformed = await PostAsync(client, """{"object":"page","entry":[{"messaging":[{"message":{"mid":"m1","text":"x"}}]}]}""")) Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal(0, await app.CountAsync("outbox"));

        using (var ack = await PostAsync(client, body)) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        using (var again = await PostAsync(client, body)) Assert.Equal(HttpStatusCode.OK, again.StatusCode); // Meta retried
        await graph.WaitAsync(m => m["recipient"]!["id"]!.GetValue<string>() == a);
        await graph.WaitAsync(m => m["recipient"]!["id"]!.GetValue<string>() == b);
        await Task.Delay(1500);
        Assert.Equal(2, await app.CountAsync("outbox WHERE channel = 'messenger-in'")); // a's message once, b's postback once; no echo, no receipt
        Assert.All(graph.Sent, m => Assert.Equal("RESPONSE", m["messaging_type"]!.GetValue<string>()));
        Assert.DoesNotContain(graph.Sent, m => m["recipient"]!["id"]!.GetValue<string>() == "PAGE1");
        var texts = graph.Sent.Where(m => m["recipient"]!["id"]!.GetValue<string>() == a).Select(m => m["message"]!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(texts.Distinct().Count(), texts.Count); // answered once
        // Every key holds the PSIDs' pseudonyms; the PSIDs themselves are nowhere in the clear.
        var stored = (await app.Database.StoredAsync()).Rows.Select(r => r.Render()).ToList();
        Assert.DoesNotContain(stored, r => r.Contains(a, StringComparison.Ordinal) || r.Contains(b, StringComparison.Ordinal));
        Assert.Contains(stored, r => r.Contains("messenger/conversations/" + TestDatabase.Pseudonym("messenger", a), StringComparison.Ordinal));
        Assert.Empty(graph.Problems);
    }

    [Fact]
    public async Task A_persons_reply_after_a_day_goes_with_the_human_agent_tag_and_after_a_week_is_refused()
    {
        var settings = new MessengerOptions();
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(("RESPONSE", null, null), MessengerWindow.Check(now.AddHours(-23), human: false, now, settings));
        Assert.Equal(("MESSAGE_TAG", "HUMAN_AGENT", null), MessengerWindow.Check(now.AddDays(-3), human: true, now, settings));
        Assert.NotNull(MessengerWindow.Check(now.AddDays(-3), human: false, now, settings).Problem);
        Assert.NotNull(MessengerWindow.Check(now.AddDays(-8), human: true, now, settings).Problem);
        Assert.NotNull(MessengerWindow.Check(null, human: true, now, settings).Problem);

        await using var graph = await FakeGraph.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), Settings(graph));
        app.CreateClient().Dispose();
        var users = app.Services.GetRequiredService<ChannelUsers>();
        var messenger = app.Services.GetRequiredService<ProactiveMessenger>();
        async Task SendAsync(string psid, DateTimeOffset lastWrote)
        {
            // What the webhook stores for the worker: their pseudonym, and their PSID sealed as the address a proactive message goes to.
            var pseudonym = users.Pseudonym("messenger", psid);
            await users.TouchAsync("messenger", pseudonym, psid, lastWrote, CancellationToken.None);
            var reference = new ConversationReference
            {
                ChannelId = "messenger", Conversation = new ConversationAccount { Id = pseudonym },
                User = new ChannelAccount { Id = pseudonym }, Bot = new ChannelAccount { Id = "PAGE1" },
            };
            await messenger.ContinueAsync(reference, (turn, _) =>
            {
                turn.Send(new Activity
                {
                    Type = ActivityTypes.Message, Text = "Yamada (union): are you safe?",
                    ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, bool> { ["humanAgent"] = true }),
                });
                return Task.CompletedTask;
            }, CancellationToken.None);
        }

        await SendAsync("PSID-3-days", now.AddDays(-3));
        var tagged = (await graph.WaitAsync(m => m["recipient"]!["id"]!.GetValue<string>() == "PSID-3-days"))[0];
        Assert.Equal("MESSAGE_TAG", tagged["messaging_type"]!.GetValue<string>());
        Assert.Equal("HUMAN_AGENT", tagged["tag"]!.GetValue<string>());

        await SendAsync("PSID-8-days", now.AddDays(-8));
        for (var deadline = DateTime.UtcNow.AddSeconds(20); await app.CountAsync("outbox WHERE channel = 'messenger' AND status = 'failed'") == 0; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the message outside the window was not recorded as refused");
        }
        Assert.DoesNotContain(graph.Sent, m => m["recipient"]!["id"]!.GetValue<string>() == "PSID-8-days");
    }

    [Fact]
    public async Task A_Messenger_worker_is_handed_to_a_person_whose_replies_respect_the_window_and_a_refused_one_shows_on_the_case()
    {
        await using var graph = await FakeGraph.StartAsync();
        var settings = Settings(graph);
        settings["Directory:SeedFile"] = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml");
        settings["Handoff:SweepInterval"] = "00:00:00.200";
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), settings);
        var client = app.CreateClient();
        const string Password = "messenger handoff password";
        var staffStore = app.Services.GetRequiredService<Handoff.Staff.StaffStore>();
        await staffStore.AddAsync("a@union-a.example", Password, "Aさん", "union-a", admin: false, CancellationToken.None);
        await staffStore.AddAsync("b@union-b.example", Password, "Bさん", "union-b", admin: false, CancellationToken.None);
        var psid = "PSID" + Guid.NewGuid().ToString("N")[..12];

        using (var ack = await PostAsync(client, Body([Text(psid, "Chủ đang đánh tôi, cứu tôi với")]))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var asked = await graph.WaitAsync(m => m["recipient"]!["id"]!.GetValue<string>() == psid && m["message"]!["quick_replies"] is not null);
        var yes = asked[^1]["message"]!["quick_replies"]![0]!["payload"]!.GetValue<string>();
        using (var ack = await PostAsync(client, Body([Text(psid, yes)]))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);

        var store = app.Services.GetRequiredService<Handoff.Cases.CaseStore>();
        Handoff.Cases.CaseRecord? offered = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); offered is null; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "no case was offered");
            var cases = await store.ListAsync(new Handoff.Cases.CaseScope(null, All: true), new Handoff.Cases.CaseFilter(["offered"]), CancellationToken.None);
            offered = cases.Count > 0 ? cases[0] : null;
        }
        var staff = app.CreateClient();
        using (var token = await staff.PostAsJsonAsync("/api/staff/token", new { email = offered.OrganizationId == "union-a" ? "a@union-a.example" : "b@union-b.example", password = Password }))
        {
            staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        }
        using (var accept = await staff.PostAsync($"/api/cases/{offered.Id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);

        // Within 24 hours: the reply reaches Messenger as a response.
        using (var reply = await staff.PostAsJsonAsync($"/api/cases/{offered.Id}/messages", new { text = "Chúng tôi ở đây." })) Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var first = (await graph.WaitAsync(m => m["message"]!["text"]!.GetValue<string>().Contains("Chúng tôi ở đây.", StringComparison.Ordinal)))[0];
        Assert.Equal("RESPONSE", first["messaging_type"]!.GetValue<string>());

        // Graph refuses a reply for good: the case shows it as not delivered, with Graph's reason.
        graph.RefuseText = "Bạn còn đó không?";
        using (var refused = await staff.PostAsJsonAsync($"/api/cases/{offered.Id}/messages", new { text = "Bạn còn đó không?" })) Assert.Equal(HttpStatusCode.Accepted, refused.StatusCode);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            var entry = (await store.EventsAsync(offered.Id, CancellationToken.None)).FirstOrDefault(e => e.Kind == "staff_message" && e.Text?.Contains("Bạn còn đó không?", StringComparison.Ordinal) == true);
            if (entry?.Delivery == "failed")
            {
                Assert.Contains("isn't available", entry.DeliveryError, StringComparison.Ordinal);
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, "the refused reply was not shown on the case");
        }

        // The worker last wrote 8 days ago: the staff API says they must write first, and nothing is sent.
        await using (var database = app.Database.Open())
        {
            await database.EnsureReadyAsync(CancellationToken.None);
            await using var connection = await database.OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE channel_users SET last_inbound_at = {DateTimeOffset.UtcNow.AddDays(-8).ToUnixTimeMilliseconds()} WHERE user_id = '{TestDatabase.Pseudonym("messenger", psid)}'";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }
        var sent = graph.Sent.Count;
        using (var late = await staff.PostAsJsonAsync($"/api/cases/{offered.Id}/messages", new { text = "Bạn khỏe không?" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
            Assert.Contains("write again", (await late.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        await Task.Delay(500);
        Assert.Equal(sent, graph.Sent.Count);
        Assert.Empty(graph.Problems);
    }
}
