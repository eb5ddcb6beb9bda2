using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels;
using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

public class HostTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    [Theory, MemberData(nameof(Engines))]
    public async Task Health_reports_the_storage(Engine engine)
    {
        await using var app = new BotApplication(await TestDatabase.CreateAsync(engine));
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz");
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.GetProperty("storage").GetString());
    }

    [Fact]
    public async Task Health_is_503_when_the_database_is_unreachable()
    {
        await using var database = TestDatabase.CreateSqlite();
        await using var app = new BotApplication(database, new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = "Host=127.0.0.1;Port=1;Username=nobody;Timeout=1",
        });
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var turn = await client.PostAsync("/api/messages", BotApplication.Json(BotApplication.Message("c1", "hi")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, turn.StatusCode); // a clear 503 with Retry-After, not a 500
        Assert.True(turn.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task The_chat_page_is_served_with_a_strict_content_security_policy()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var page = await client.GetAsync("/");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("chat.js", html);
        Assert.Contains("script-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/chat.js")).StatusCode);
    }

    [Fact]
    public async Task State_and_the_conversation_log_survive_a_restart_of_the_host()
    {
        await using var database = TestDatabase.CreateSqlite();
        string token, conversationId;
        await using (var first = new BotApplication(database))
        {
            var client = await DirectLineClient.StartAsync(first.CreateClient());
            await client.SayAsync("Tiếng Việt");
            Assert.Equal(6, (await client.PollAsync()).Count); // greeting, the choice, four replies
            (token, conversationId) = (client.Token, client.ConversationId);
            await first.TurnAsync(first.CreateClient(), "connector-conversation", "Tagalog");
        }

        await using var second = new BotApplication(database);
        var again = DirectLineClient.Resume(second.CreateClient(), token, conversationId);

        Assert.Equal(6, (await again.PollAsync()).Count); // all still there
        await again.SayAsync("Công ty chưa trả lương cho tôi");
        var answer = await again.PollAsync();
        Assert.Equal("vi", answer[^1].Locale); // the language chosen before the restart

        var replies = await second.TurnAsync(second.CreateClient(), "connector-conversation", "Hindi pa ako nababayaran");
        Assert.All(replies, r => Assert.Equal("tl", r.Locale));
    }

    [Fact]
    public async Task A_proactive_message_reaches_a_direct_line_conversation()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient());
        await client.SayAsync("English");
        await client.PollAsync();

        var messenger = app.Services.GetRequiredService<ProactiveMessenger>();
        var result = await messenger.ContinueAsync(DirectLineDelivery.LogKey(client.ConversationId),
            (turn, _) => { turn.Send(new Activity { Text = "A union volunteer will write to you here." }); return Task.CompletedTask; },
            CancellationToken.None);

        Assert.NotNull(result);
        var delivered = Assert.Single(await client.PollAsync());
        Assert.Equal("A union volunteer will write to you here.", delivered.Text);
        Assert.Null(delivered.ReplyToId);
    }

    [Fact]
    public async Task A_proactive_message_reaches_a_connector_conversation_through_its_serviceUrl()
    {
        await using var channel = await LoopbackServer.StartAsync(web =>
        {
            web.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", () => Results.Ok(new { id = "r" }));
            web.MapPost("/v3/conversations/{conversationId}/activities", () => Results.Ok(new { id = "p" }));
        });
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        (await client.PostAsync("/api/messages", BotApplication.Json(BotApplication.Message("c9", "hi", channel.BaseAddress.ToString(), expectReplies: false)))).EnsureSuccessStatusCode();

        var messenger = app.Services.GetRequiredService<ProactiveMessenger>();
        await messenger.ContinueAsync(StateKeys.Conversation("emulator", "c9"),
            (turn, _) => { turn.Send(new Activity { Text = "later" }); return Task.CompletedTask; }, CancellationToken.None);

        var proactive = Assert.Single(await channel.WaitForAsync(r => r.Path == "/v3/conversations/c9/activities"));
        Assert.Equal("later", JsonSerializer.Deserialize(proactive.Body, BotJsonContext.Wire.Activity)!.Text);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Fifty_parallel_turns_on_one_conversation_are_all_answered_and_logged_once(Engine engine)
    {
        await using var app = new BotApplication(await TestDatabase.CreateAsync(engine));
        var client = await DirectLineClient.StartAsync(app.CreateClient());
        await client.SayAsync("English");

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => client.SayAsync($"message {i}")));

        var transcript = new List<Activity>();
        for (var page = await client.PollAsync(); page.Count > 0; page = await client.PollAsync()) transcript.AddRange(page);
        var said = transcript.Where(a => a.From!.Role != "bot").Select(a => a.Text).ToList();
        Assert.Equal(51, said.Count); // every turn committed once: none lost, none twice
        Assert.Equal(50, said.Distinct().Count(t => t!.StartsWith("message ", StringComparison.Ordinal)));
        var answered = transcript.Where(a => a.From!.Role == "bot" && a.ReplyToId is not null).Select(a => a.ReplyToId).ToHashSet();
        Assert.All(transcript.Where(a => a.From!.Role != "bot"), a => Assert.Contains(a.Id, answered));
    }

    [Fact]
    public async Task A_turn_that_throws_gets_a_polite_answer_not_a_500()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), services: s => s.AddTurnMiddleware<ThrowOnBoom>());
        using var client = app.CreateClient();
        await app.TurnAsync(client, "c1", "Tagalog");

        var replies = await app.TurnAsync(client, "c1", "boom");

        Assert.Equal(2, replies.Count);
        Assert.StartsWith("Pasensya na po", replies[0].Text);
        Assert.Contains("110", replies[1].Text);
        var next = await app.TurnAsync(client, "c1", "ok now");
        Assert.All(next, r => Assert.Equal("tl", r.Locale)); // the state before the failure is intact
    }

    private sealed class ThrowOnBoom : ITurnMiddleware
    {
        public Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken) =>
            turn.Activity.Text == "boom" ? throw new InvalidOperationException("simulated bug") : next(cancellationToken);
    }
}
