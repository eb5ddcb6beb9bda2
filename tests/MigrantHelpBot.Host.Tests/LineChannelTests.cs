using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// A fake LINE Messaging API on loopback that checks what the bot sends against LINE's documented
/// shapes and limits, and behaves like LINE: a reply token works once, a push with an
/// <c>X-Line-Retry-Key</c> already accepted answers 409, and failures can be switched on.
/// </summary>
internal sealed class FakeLine : IAsyncDisposable
{
    public const string Token = "test-line-access-token";
    public const string Secret = "test-line-channel-secret";

    private readonly ConcurrentDictionary<string, bool> _usedReplyTokens = new();
    private readonly ConcurrentDictionary<string, bool> _retryKeys = new();
    private LoopbackServer _server = null!;

    /// <summary>Replies sent with a reply token already used: a message the host tried to send twice.</summary>
    public int ReusedReplyTokens;

    /// <summary>Messages LINE accepted (by reply token or push), with how they came.</summary>
    public ConcurrentQueue<(string Via, string Key, JsonArray Messages)> Accepted { get; } = new();

    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>Answer this many calls with 500 (without acting on them).</summary>
    public int FailNext;

    /// <summary>Answer this many calls with 429 and Retry-After: 1.</summary>
    public int ThrottleNext;

    /// <summary>Accept this many pushes, then answer 500 as if the answer were lost.</summary>
    public int LoseAnswerOfNext;

    /// <summary>The <c>to</c> of every push LINE accepted.</summary>
    public ConcurrentQueue<string> PushedTo { get; } = new();

    /// <summary>Pushes answered 409 (the retry key was already accepted).</summary>
    public int Conflicts;

    /// <summary>Users whose chat showed the loading animation.</summary>
    public ConcurrentQueue<string> Loading { get; } = new();

    /// <summary>Profile reads (the request arrived), and how long the next one hangs.</summary>
    public int ProfileReads;

    public TimeSpan ProfileHang;

    public string? ProfileLanguage { get; set; } = "vi";

    public Uri BaseAddress => _server.BaseAddress;

    public static async Task<FakeLine> StartAsync()
    {
        var fake = new FakeLine();
        fake._server = await LoopbackServer.StartAsync(app =>
        {
            app.MapPost("/v2/bot/message/reply", (Delegate)fake.ReplyAsync);
            app.MapPost("/v2/bot/message/push", (Delegate)fake.PushAsync);
            app.MapGet("/v2/bot/profile/{userId}", async (string userId, HttpRequest request) =>
            {
                Interlocked.Increment(ref fake.ProfileReads);
                var hang = fake.ProfileHang;
                fake.ProfileHang = TimeSpan.Zero;
                await Task.Delay(hang);
                return fake.Authorized(request) ? Results.Json(new Dictionary<string, string?> { ["userId"] = userId, ["displayName"] = "W", ["language"] = fake.ProfileLanguage }) : Results.StatusCode(401);
            });
            app.MapPost("/v2/bot/chat/loading/start", async (HttpRequest request) =>
            {
                if (!fake.Authorized(request)) return Results.StatusCode(401);
                var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!;
                var seconds = body["loadingSeconds"]?.GetValue<int>() ?? 20;
                if (string.IsNullOrEmpty(body["chatId"]?.GetValue<string>()) || seconds is < 5 or > 60 || seconds % 5 != 0) return fake.Problem("loading: chatId and 5–60 s in steps of 5");
                fake.Loading.Enqueue(body["chatId"]!.GetValue<string>());
                return Results.StatusCode(202);
            });
        });
        return fake;
    }

    public Dictionary<string, string?> Settings(Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Line:ChannelSecret"] = Secret,
            ["Line:ChannelAccessToken"] = Token,
            ["Line:ApiBaseUrl"] = BaseAddress.ToString(),
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    private bool Authorized(HttpRequest request) => request.Headers.Authorization.ToString() == "Bearer " + Token;

    private IResult? Injected(HttpResponse response)
    {
        if (Interlocked.Decrement(ref FailNext) >= 0) return Results.StatusCode(500);
        if (Interlocked.Decrement(ref ThrottleNext) >= 0)
        {
            response.Headers.RetryAfter = "1";
            return Results.Json(new { message = "Too many requests" }, statusCode: 429);
        }
        return null;
    }

    private async Task<IResult> ReplyAsync(HttpRequest request, HttpResponse response)
    {
        if (!Authorized(request)) return Results.StatusCode(401);
        if (Injected(response) is { } injected) return injected;
        var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!.AsObject();
        if (request.Headers.ContainsKey("X-Line-Retry-Key")) return Problem("X-Line-Retry-Key is not accepted on reply");
        var token = body["replyToken"]?.GetValue<string>();
        if (string.IsNullOrEmpty(token)) return Problem("replyToken missing");
        if (Check(body["messages"]) is { } problem) return Problem(problem);
        if (!_usedReplyTokens.TryAdd(token, true))
        {
            Interlocked.Increment(ref ReusedReplyTokens);
            return Results.Json(new { message = "Invalid reply token" }, statusCode: 400);
        }
        Accepted.Enqueue(("reply", token, body["messages"]!.AsArray()));
        return Results.Json(new { sentMessages = Array.Empty<object>() });
    }

    private async Task<IResult> PushAsync(HttpRequest request, HttpResponse response)
    {
        if (!Authorized(request)) return Results.StatusCode(401);
        if (Injected(response) is { } injected) return injected;
        var body = JsonNode.Parse(await new StreamReader(request.Body).ReadToEndAsync())!.AsObject();
        var key = request.Headers["X-Line-Retry-Key"].ToString();
        if (!Guid.TryParse(key, out _)) return Problem("X-Line-Retry-Key missing or not a UUID");
        if (string.IsNullOrEmpty(body["to"]?.GetValue<string>())) return Problem("to missing");
        if (Check(body["messages"]) is { } problem) return Problem(problem);
        if (!_retryKeys.TryAdd(key, true))
        {
            Interlocked.Increment(ref Conflicts);
            return Results.Json(new { message = "The retry key is already accepted" }, statusCode: 409);
        }
        PushedTo.Enqueue(body["to"]!.GetValue<string>());
        Accepted.Enqueue(("push", key, body["messages"]!.AsArray()));
        return Interlocked.Decrement(ref LoseAnswerOfNext) >= 0 ? Results.StatusCode(500) : Results.Json(new { sentMessages = Array.Empty<object>() });
    }

    /// <summary>LINE's limits: 1–5 messages, text ≤ 5,000 UTF-16 units, ≤ 13 quick replies with labels ≤ 20 characters and texts ≤ 300.</summary>
    private static string? Check(JsonNode? messages)
    {
        if (messages is not JsonArray array || array.Count is < 1 or > 5) return "messages must be 1–5";
        foreach (var message in array)
        {
            if (message?["type"]?.GetValue<string>() != "text") return "only text messages are expected";
            var text = message["text"]?.GetValue<string>() ?? string.Empty;
            if (text.Length is 0 or > 5000) return "text must be 1–5000 UTF-16 units";
            if (message["quickReply"] is { } quick)
            {
                var items = quick["items"]?.AsArray();
                if (items is null || items.Count is < 1 or > 13) return "quickReply.items must be 1–13";
                foreach (var item in items)
                {
                    var action = item?["action"];
                    if (item?["type"]?.GetValue<string>() != "action" || action?["type"]?.GetValue<string>() != "message") return "quick replies are message actions";
                    var label = action["label"]?.GetValue<string>() ?? string.Empty;
                    if (new StringInfo(label).LengthInTextElements is 0 or > 20) return "label must be 1–20 characters";
                    var actionText = action["text"]?.GetValue<string>() ?? string.Empty;
                    if (actionText.Length is 0 or > 300) return "action text must be 1–300 characters";
                }
            }
        }
        return null;
    }

    private IResult Problem(string problem)
    {
        Problems.Enqueue(problem);
        return Results.Json(new { message = problem }, statusCode: 400);
    }

    public async Task<List<(string Via, string Key, JsonArray Messages)>> WaitAsync(Func<(string Via, string Key, JsonArray Messages), bool> match, int count = 1, int seconds = 30)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); ; await Task.Delay(25))
        {
            var found = Accepted.Where(match).ToList();
            if (found.Count >= count) return found;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"LINE accepted {found.Count} of {count} expected calls; problems: {string.Join("; ", Problems)}");
        }
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>LINE end to end: signed webhooks into the durable inbox, turns in the background, replies and pushes to a fake LINE API.</summary>
public class LineChannelTests
{
    private static readonly LocaleCatalog Locales = LocaleCatalog.Load(new LanguageOptions
    {
        Supported = ["vi", "tl", "km", "my", "en"], Fallback = "en", Staff = ["ja"], Path = RepositoryPaths.Locales,
    });

    private static int _events;

    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    internal static JsonObject Event(string type, string userId, string? text = null, string? id = null, string? replyToken = null, string messageType = "text")
    {
        var e = new JsonObject
        {
            ["type"] = type,
            ["mode"] = "active",
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            ["webhookEventId"] = id ?? "01J" + Interlocked.Increment(ref _events).ToString("D10", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..13].ToUpperInvariant(),
            ["deliveryContext"] = new JsonObject { ["isRedelivery"] = false },
            ["source"] = new JsonObject { ["type"] = "user", ["userId"] = userId },
        };
        if (type != "unfollow") e["replyToken"] = replyToken ?? Guid.NewGuid().ToString("N");
        if (type == "message") e["message"] = messageType == "text"
            ? new JsonObject { ["type"] = "text", ["id"] = "1", ["text"] = text }
            : new JsonObject { ["type"] = messageType, ["id"] = "2" };
        return e;
    }

    internal static string Body(params JsonObject[] events) =>
        new JsonObject { ["destination"] = "U0123456789abcdef0123456789abcdef", ["events"] = new JsonArray([.. events]) }.ToJsonString();

    internal static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? signature = "sign")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/line/webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (signature is not null) request.Headers.Add("x-line-signature", signature == "sign" ? WebhookSignatures.SignBase64(FakeLine.Secret, bytes) : signature);
        return await client.SendAsync(request);
    }

    internal static string User() => "U" + Guid.NewGuid().ToString("N");

    internal static IEnumerable<string> Texts(JsonArray messages) => messages.Select(m => m!["text"]!.GetValue<string>());

    [Theory, MemberData(nameof(Engines))]
    public async Task A_LINE_user_is_greeted_and_answered_with_free_reply_tokens_in_their_profile_language(Engine engine)
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(await TestDatabase.CreateAsync(engine), line.Settings(new() { ["Line:LoadingAfter"] = "00:00:00" }));
        var client = app.CreateClient();
        var user = User();

        // The profile says Vietnamese: the greeting starts in Vietnamese, with the language choice as quick replies.
        var follow = Event("follow", user);
        using (var ack = await PostAsync(client, Body(follow))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var greeting = (await line.WaitAsync(a => a.Key == follow["replyToken"]!.GetValue<string>()))[0];
        Assert.Equal("reply", greeting.Via);
        Assert.StartsWith(Locales.Text("vi", "first_contact.choose_language") + "\n", Texts(greeting.Messages).First(), StringComparison.Ordinal);
        var choices = greeting.Messages[^1]!["quickReply"]!["items"]!.AsArray();
        Assert.Contains(choices, i => i!["action"]!["text"]!.GetValue<string>() == Locales.Text("vi", "language.name"));

        // Choosing it answers with the notice, in Vietnamese, by the new event's reply token.
        var message = Event("message", user, Locales.Text("vi", "language.name"));
        using (var ack = await PostAsync(client, Body(message))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var answer = await line.WaitAsync(a => a.Key == message["replyToken"]!.GetValue<string>());
        Assert.Equal("reply", answer[0].Via);
        Assert.Contains(Locales.Text("vi", "first_contact.consent_ask"), answer.SelectMany(a => Texts(a.Messages)));
        Assert.Contains(user, line.Loading); // the turn ran past LoadingAfter: the loading animation was asked for
        Assert.Equal(1, line.ProfileReads); // the profile is read once per user

        // A photo: the worker is asked for words.
        var photo = Event("message", user, messageType: "image");
        using (var ack = await PostAsync(client, Body(photo))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var asked = await line.WaitAsync(a => a.Key == photo["replyToken"]!.GetValue<string>());
        Assert.Contains(Locales.Text("vi", "retry.not_text"), Texts(asked[0].Messages));
        Assert.Empty(line.Problems);
    }

    [Fact]
    public async Task Forged_unsigned_and_malformed_webhooks_are_refused_and_store_nothing_and_the_verify_call_is_answered()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings());
        var client = app.CreateClient();
        var body = Body(Event("message", User(), "help"));

        using (var missing = await PostAsync(client, body, signature: null)) Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        using (var forged = await PostAsync(client, body, signature: WebhookSignatures.SignBase64("not-the-secret", Encoding.UTF8.GetBytes(body)))) Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        using (var garbage = await PostAsync(client, body, signature: "not base64!")) Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
        using (var tampered = await PostAsync(client, body.Replace("help", "hel0", StringComparison.Ordinal), signature: WebhookSignatures.SignBase64(FakeLine.Secret, Encoding.UTF8.GetBytes(body)))) Assert.Equal(HttpStatusCode.Unauthorized, tampered.StatusCode);
        Assert.Equal(0, await app.CountAsync("outbox"));

        foreach (var malformed in new[] { "{", "[]", """{"destination":"U1"}""", """{"events":[{"type":"message"}]}""", """{"events":[42]}""", """{"events":[{"type":"message","webhookEventId":"x","source":{"type":"user"}}]}""" })
        {
            using var response = await PostAsync(client, malformed);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Equal(0, await app.CountAsync("outbox"));

        // The console's "Verify": no events (today) or the old dummy events: 200, and nobody is answered.
        using (var verify = await PostAsync(client, """{"destination":"U0123456789abcdef0123456789abcdef","events":[]}""")) Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        using (var dummy = await PostAsync(client, Body(Event("message", "Udeadbeefdeadbeefdeadbeefdeadbeef", "test", replyToken: "00000000000000000000000000000000")))) Assert.Equal(HttpStatusCode.OK, dummy.StatusCode);
        Assert.Equal(0, await app.CountAsync("outbox"));

        // Without its secrets the channel is off.
        await using var off = new BotApplication(TestDatabase.CreateSqlite());
        using (var notFound = await PostAsync(off.CreateClient(), body)) Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
    }

    [Fact]
    public async Task A_postback_is_read_as_the_users_words_and_an_unfollow_marks_the_user_inactive_without_a_turn()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings());
        var client = app.CreateClient();
        var user = User();
        var postback = Event("follow", user);
        postback["type"] = "postback";
        postback["postback"] = new JsonObject { ["data"] = Locales.Text("vi", "language.name") };
        using (var ack = await PostAsync(client, Body(postback))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var answer = await line.WaitAsync(a => a.Key == postback["replyToken"]!.GetValue<string>());
        Assert.Contains(Locales.Text("vi", "first_contact.consent_ask"), answer.SelectMany(a => Texts(a.Messages)));

        var unfollow = Event("unfollow", user);
        using (var ack = await PostAsync(client, Body(unfollow))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var users = app.Services.GetRequiredService<ChannelUsers>();
        for (var deadline = DateTime.UtcNow.AddSeconds(20); (await users.GetAsync("line", user, CancellationToken.None))!.Active; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "the unfollow was not recorded");
        }
        Assert.Equal(0, await app.CountAsync("outbox WHERE channel = 'line-in' AND status <> 'sent'"));
        Assert.Equal(answer.Count, line.Accepted.Count); // nothing was sent for the unfollow
    }

    [Fact]
    public async Task The_same_event_delivered_a_thousand_times_runs_one_turn()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings());
        var client = app.CreateClient();
        var e = Event("message", User(), "xin chào");
        var body = Body(e);
        for (var batch = 0; batch < 10; batch++)
        {
            var acks = await Task.WhenAll(Enumerable.Range(0, 100).Select(async i =>
            {
                if (i % 2 == 1) e["deliveryContext"]!["isRedelivery"] = true;
                using var response = await PostAsync(client, body);
                return response.StatusCode;
            }));
            Assert.All(acks, status => Assert.Equal(HttpStatusCode.OK, status));
        }
        await line.WaitAsync(a => a.Key == e["replyToken"]!.GetValue<string>());
        await Task.Delay(1500); // anything doubled would arrive now
        Assert.Single(line.Accepted, a => a.Key == e["replyToken"]!.GetValue<string>());
        Assert.DoesNotContain(line.Accepted, a => a.Via == "push");
        Assert.Equal(1, await app.CountAsync("outbox WHERE channel = 'line-in'"));
    }

    [Fact]
    public async Task A_user_flooding_the_bot_is_slowed_down_in_order_without_losing_a_message_while_others_are_answered_at_once()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings(new()
        {
            ["Inbound:PerUserPerWindow"] = "3",
            ["Inbound:Window"] = "00:00:02",
            ["Outbox:MaxBackoff"] = "00:00:01",
        }));
        var client = app.CreateClient();
        var flooder = User();
        var flood = Enumerable.Range(0, 9).Select(i => Event("message", flooder, "Công ty không trả lương " + i.ToString(CultureInfo.InvariantCulture))).ToArray();
        var other = Event("message", User(), "Xin chào");
        using (var ack = await PostAsync(client, Body([.. flood, other]))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode); // all stored and acknowledged

        foreach (var e in flood.Append(other)) await line.WaitAsync(a => a.Key == e["replyToken"]!.GetValue<string>(), seconds: 60);
        await Task.Delay(500);
        var order = line.Accepted.Select(a => a.Key).ToList();
        var tokens = flood.Select(e => e["replyToken"]!.GetValue<string>()).ToList();
        Assert.Equal(tokens, order.Where(tokens.Contains).ToList()); // each once, in order
        Assert.True(order.IndexOf(other["replyToken"]!.GetValue<string>()) < order.IndexOf(tokens[^1]), "the other user waited behind the flood");
        // The flooder's 4th and 7th messages waited for the next window (and say so; the rest queued behind them in order), the other user's never.
        var queue = "line-in/" + TestDatabase.Pseudonym("line", flooder);
        Assert.Equal(2, await app.CountAsync($"outbox WHERE channel = 'line-in' AND conversation_key = '{queue}' AND last_error LIKE '%turn waits%'"));
        Assert.Equal(0, await app.CountAsync($"outbox WHERE channel = 'line-in' AND conversation_key <> '{queue}' AND last_error IS NOT NULL"));
    }

    [Fact]
    public async Task A_failing_LINE_API_gets_every_message_once_when_it_recovers()
    {
        await using var line = await FakeLine.StartAsync();
        line.FailNext = 5;
        line.ThrottleNext = 3;
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings());
        var client = app.CreateClient();
        var events = Enumerable.Range(0, 4).Select(_ => Event("message", User(), "Công ty không trả lương")).ToArray();
        using (var ack = await PostAsync(client, Body(events))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        foreach (var e in events) await line.WaitAsync(a => a.Key == e["replyToken"]!.GetValue<string>(), seconds: 60);
        await Task.Delay(1000);
        foreach (var e in events) Assert.Single(line.Accepted, a => a.Key == e["replyToken"]!.GetValue<string>());
        Assert.Empty(line.Problems);
    }

    [Fact]
    public async Task After_the_reply_token_is_stale_messages_are_pushed_with_one_retry_key_and_a_lost_answer_is_not_sent_twice()
    {
        await using var line = await FakeLine.StartAsync();
        line.LoseAnswerOfNext = 1; // LINE takes the push but the answer is lost: the retry gets 409
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings(new() { ["Line:ReplyTokenLifetime"] = "00:00:00" }));
        var user = User();
        var e = Event("message", user, "Tagalog");
        using (var ack = await PostAsync(app.CreateClient(), Body(e))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var pushed = await line.WaitAsync(a => a.Via == "push");
        await Task.Delay(3000);
        Assert.DoesNotContain(line.Accepted, a => a.Via == "reply");
        var texts = line.Accepted.Where(a => a.Via == "push").SelectMany(a => Texts(a.Messages)).ToList();
        Assert.Equal(texts.Distinct().Count(), texts.Count); // nothing doubled
        Assert.True(line.Conflicts >= 1, "the retry after the lost answer should have met 409");
        Assert.Equal(0, await app.CountAsync("outbox WHERE channel = 'line' AND status <> 'sent'"));
        Assert.Equal(line.Accepted.Count, await app.CountAsync("outbox WHERE channel = 'line'")); // each entry accepted exactly once
    }

    [Fact]
    public async Task A_host_that_dies_in_the_middle_of_a_turn_leaves_the_event_to_the_next_host_which_runs_it_once()
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = TestDatabase.CreateSqlite();
        var e = Event("message", User(), "Xin chào, tôi cần giúp đỡ");
        line.ProfileHang = TimeSpan.FromSeconds(30); // the first host's turn hangs on LINE's profile
        var settings = line.Settings(new() { ["Outbox:Lease"] = "00:00:02" });
        var first = new BotApplication(database, settings);
        using (var ack = await PostAsync(first.CreateClient(), Body(e))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        // The event is leased and its turn is running when the host goes down.
        for (var deadline = DateTime.UtcNow.AddSeconds(20); Volatile.Read(ref line.ProfileReads) == 0; await Task.Delay(20)) Assert.True(DateTime.UtcNow < deadline, "the turn did not start");
        await first.DisposeAsync();
        Assert.Empty(line.Accepted);
        Assert.Equal(1, await first.CountAsync("outbox WHERE channel = 'line-in' AND status = 'pending' AND lease_owner IS NOT NULL"));

        // The next host takes it once the dead host's lease has run out, and answers once.
        await using var second = new BotApplication(database, settings);
        second.CreateClient().Dispose();
        var answered = await line.WaitAsync(a => a.Key == e["replyToken"]!.GetValue<string>());
        Assert.Equal("reply", answered[0].Via);
        await Task.Delay(1000);
        Assert.Single(line.Accepted, a => a.Key == e["replyToken"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_LINE_worker_in_danger_is_handed_to_a_person_and_they_talk_both_ways_through_LINE()
    {
        await using var line = await FakeLine.StartAsync();
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), line.Settings(new()
        {
            ["Directory:SeedFile"] = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml"),
            ["Handoff:SweepInterval"] = "00:00:00.200",
        }));
        var client = app.CreateClient();
        const string Password = "line handoff password";
        var staffStore = app.Services.GetRequiredService<StaffStore>();
        await staffStore.AddAsync("a@union-a.example", Password, "Aさん", "union-a", admin: false, CancellationToken.None);
        await staffStore.AddAsync("b@union-b.example", Password, "Bさん", "union-b", admin: false, CancellationToken.None);
        var user = User();

        // Danger, told on LINE: the emergency path asks whether to share, by the free reply token.
        var danger = Event("message", user, "Chủ đang đánh tôi, cứu tôi với");
        using (var ack = await PostAsync(client, Body(danger))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var asked = await line.WaitAsync(a => a.Key == danger["replyToken"]!.GetValue<string>());
        Assert.Contains(Locales.Text("vi", "emergency.share_ask"), asked.SelectMany(a => Texts(a.Messages)));
        var yes = asked[^1].Messages[^1]!["quickReply"]!["items"]![0]!["action"]!["text"]!.GetValue<string>();
        var agree = Event("message", user, yes);
        using (var ack = await PostAsync(client, Body(agree))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);

        // The case is offered; the worker is told on LINE (a push: no event to reply to).
        var store = app.Services.GetRequiredService<CaseStore>();
        CaseRecord? offered = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); offered is null; await Task.Delay(50))
        {
            Assert.True(DateTime.UtcNow < deadline, "no case was offered");
            var cases = await store.ListAsync(new CaseScope(null, All: true), new CaseFilter(["offered"]), CancellationToken.None);
            offered = cases.Count > 0 ? cases[0] : null;
        }
        Assert.Equal("line", offered.Data.Reference?.ChannelId);
        await line.WaitAsync(a => a.Via == "push");

        // A staff member of that organisation accepts and writes; the reply reaches the worker on LINE.
        var staff = app.CreateClient();
        using (var token = await staff.PostAsJsonAsync("/api/staff/token", new { email = offered.OrganizationId == "union-a" ? "a@union-a.example" : "b@union-b.example", password = Password }))
        {
            staff.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());
        }
        using (var accept = await staff.PostAsync($"/api/cases/{offered.Id}/accept", null)) Assert.Equal(HttpStatusCode.OK, accept.StatusCode);
        using (var reply = await staff.PostAsJsonAsync($"/api/cases/{offered.Id}/messages", new { text = "Chúng tôi ở đây. Bạn có nói chuyện an toàn được không?" })) Assert.Equal(HttpStatusCode.Accepted, reply.StatusCode);
        var delivered = await line.WaitAsync(a => a.Via == "push" && Texts(a.Messages).Any(t => t.Contains("Chúng tôi ở đây. Bạn có nói chuyện an toàn được không?", StringComparison.Ordinal)));
        Assert.Single(delivered);

        // The worker answers on LINE: it goes to the case, and the bot stays silent.
        var answer = Event("message", user, "Vâng, bây giờ tôi nói được.");
        using (var ack = await PostAsync(client, Body(answer))) Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(50))
        {
            var timeline = await store.EventsAsync(offered.Id, CancellationToken.None);
            if (timeline.Any(e => e.Kind == "worker_message" && e.Text == "Vâng, bây giờ tôi nói được.")) break;
            Assert.True(DateTime.UtcNow < deadline, "the worker's LINE message did not reach the case");
        }
        await Task.Delay(1000);
        Assert.DoesNotContain(line.Accepted, a => a.Key == answer["replyToken"]!.GetValue<string>());
        Assert.Empty(line.Problems);
    }
}
