using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

public class DirectLineTests
{
    [Fact]
    public async Task Starting_a_conversation_greets_and_messages_are_answered_through_polling()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient(), locale: "km-KH");

        var greeting = await client.PollAsync();
        var hello = Assert.Single(greeting);
        Assert.Equal("ខ្មែរ", hello.SuggestedActions!.Actions![0].Title); // the locale hint put Khmer first
        Assert.Equal("migranthelpbot", hello.From!.Id);
        Assert.Equal("bot", hello.From.Role);
        Assert.Equal("1", client.Watermark);

        var id = await client.SayAsync("ខ្មែរ", clientActivityId: "client-1");
        var page = await client.PollAsync();

        var echo = page[0];
        Assert.Equal(id, echo.Id);
        Assert.StartsWith(client.ConversationId + "|", id);
        Assert.Equal("client-1", echo.ChannelData!.Value.GetProperty("clientActivityID").GetString());
        Assert.Equal(4, page.Count(a => a.From!.Role == "bot"));
        Assert.All(page.Skip(1), a => Assert.Equal(id, a.ReplyToId));
        Assert.All(page.Skip(1), a => Assert.Equal("km", a.Locale));
        Assert.Equal("6", client.Watermark);
        Assert.Empty(await client.PollAsync());
    }

    [Fact]
    public async Task The_service_decides_who_is_speaking_not_the_client()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient());
        await client.PollAsync();

        await client.SayAsync("English", fromId: "someone-else");
        var echo = (await client.PollAsync())[0];

        Assert.NotEqual("someone-else", echo.From!.Id);
        Assert.StartsWith("dl_", echo.From.Id);
        Assert.Equal("directline", echo.ChannelId);
    }

    [Fact]
    public async Task Starting_twice_greets_once()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();
        var client = await DirectLineClient.StartAsync(http);

        using var again = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", client.Token);

        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Single(await client.PollAsync());
    }

    [Fact]
    public async Task A_token_works_only_for_its_own_conversation()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();
        var mine = await DirectLineClient.StartAsync(http);
        var theirs = await DirectLineClient.StartAsync(http);

        using var read = await mine.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{theirs.ConversationId}/activities", mine.Token);
        using var write = await mine.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{theirs.ConversationId}/activities", mine.Token, """{"type":"message","text":"hi"}""");
        using var info = await mine.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{theirs.ConversationId}", mine.Token);

        Assert.Equal(HttpStatusCode.Forbidden, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, info.StatusCode);
        Assert.Single(await theirs.PollAsync()); // only the greeting: nothing was added
    }

    [Fact]
    public async Task Forged_missing_and_expired_tokens_are_refused()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite(), new Dictionary<string, string?> { ["DirectLine:TokenLifetime"] = "00:00:02" });
        using var http = app.CreateClient();
        var client = await DirectLineClient.StartAsync(http);
        var path = $"/v3/directline/conversations/{client.ConversationId}/activities";
        var forged = client.Token[..^4] + (client.Token.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        using var none = await client.SendAsync(HttpMethod.Get, path, bearer: null);
        using var bad = await client.SendAsync(HttpMethod.Get, path, forged);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, bad.StatusCode);

        await Task.Delay(2500);
        using var expired = await client.SendAsync(HttpMethod.Get, path, client.Token);
        Assert.Equal(HttpStatusCode.Forbidden, expired.StatusCode);
    }

    [Fact]
    public async Task A_refreshed_token_keeps_the_conversation()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();
        var client = await DirectLineClient.StartAsync(http);

        using var refreshed = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", client.Token);
        var body = await refreshed.Content.ReadFromJsonAsync<JsonElement>();
        var token = body.GetProperty("token").GetString();

        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal(client.ConversationId, body.GetProperty("conversationId").GetString());
        using var read = await client.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities", token);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Generating_a_token_needs_the_secret()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = new DirectLineClient(app.CreateClient());

        using var none = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", bearer: null);
        using var wrong = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
    }

    [Fact]
    public async Task The_secret_can_start_a_conversation_directly()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = new DirectLineClient(app.CreateClient());

        using var start = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", BotApplication.DirectLineSecret, """{"user":{"id":"dl_server-user"}}""");
        var body = await start.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.StartsWith("dl1.", body.GetProperty("token").GetString());
        using var read = await client.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{body.GetProperty("conversationId").GetString()}/activities", BotApplication.DirectLineSecret);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }

    [Fact]
    public async Task Unknown_conversations_and_bad_watermarks_are_answered_plainly()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();
        var client = await DirectLineClient.StartAsync(http);

        using var unknown = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations/nope/activities", BotApplication.DirectLineSecret, """{"type":"message","text":"hi","from":{"id":"x"}}""");
        using var watermark = await client.SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{client.ConversationId}/activities?watermark=-1", client.Token);
        using var noType = await client.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", client.Token, """{"text":"hi"}""");
        using var notJson = await client.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", client.Token, "{oops");

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, watermark.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Single(await client.PollAsync());
    }

    [Fact]
    public async Task Typing_is_accepted_but_neither_logged_nor_answered()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        var client = await DirectLineClient.StartAsync(app.CreateClient());
        await client.PollAsync();

        using var typing = await client.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{client.ConversationId}/activities", client.Token, """{"type":"typing"}""");

        Assert.Equal(HttpStatusCode.OK, typing.StatusCode);
        Assert.Empty(await client.PollAsync());
    }

    [Fact]
    public async Task Browsers_on_other_origins_may_call_direct_line()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/v3/directline/conversations");
        preflight.Headers.Add("Origin", "https://ngo.example.org");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization,content-type,x-ms-bot-agent");

        using var response = await http.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task The_chat_page_gets_a_token_and_its_interface_text()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var http = app.CreateClient();

        using var token = await http.PostAsync("/api/webchat/token", content: null);
        var issued = await token.Content.ReadFromJsonAsync<JsonElement>();
        var strings = await http.GetFromJsonAsync<JsonElement>("/api/webchat/strings");

        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        var client = new DirectLineClient(http);
        using var start = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", issued.GetProperty("token").GetString());
        Assert.Equal(HttpStatusCode.Created, start.StatusCode);
        Assert.Equal("Gửi", strings.GetProperty("languages").GetProperty("vi").GetProperty("send").GetString());
        Assert.Equal("en", strings.GetProperty("fallback").GetString());
    }
}
