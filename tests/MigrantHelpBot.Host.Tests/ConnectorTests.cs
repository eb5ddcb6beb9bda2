using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

public class ConnectorTests
{
    [Fact]
    public async Task ExpectReplies_answers_with_the_turns_replies()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        var greeting = await app.TurnAsync(client, "c1", "hello");
        Assert.Equal(["Tiếng Việt", "Tagalog", "ខ្មែរ", "မြန်မာ", "ျမန္မာ (Zawgyi)", "English"], greeting.Buttons());

        var chosen = await app.TurnAsync(client, "c1", "Tiếng Việt");
        Assert.Equal(4, chosen.Count);
        Assert.All(chosen, a => Assert.Equal("vi", a.Locale));
        Assert.All(chosen, a => Assert.Equal("worker-c1", a.Recipient!.Id));
    }

    [Fact]
    public async Task Without_expectReplies_the_replies_are_posted_to_the_channels_serviceUrl_in_order()
    {
        await using var channel = await LoopbackServer.StartAsync(web =>
            web.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", () => Results.Ok(new { id = "ok" })));
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        var inbound = BotApplication.Message("conv/with:odd chars", "Tagalog", channel.BaseAddress.ToString(), expectReplies: false);
        using var response = await client.PostAsync("/api/messages", BotApplication.Json(inbound));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var posts = await channel.WaitForAsync(r => r.Method == "POST", count: 5);
        // The conversation id is escaped, so its slash cannot change the route.
        Assert.All(posts, p => Assert.Equal($"/v3/conversations/conv%2Fwith:odd%20chars/activities/{inbound.Id}", p.Path));
        var texts = posts.Select(p => JsonSerializer.Deserialize(p.Body, BotJsonContext.Wire.Activity)!.Text).ToList();
        Assert.Equal(5, texts.Count); // the language named in the first message: hello, the notice, the consent question
        Assert.StartsWith("Kumusta po", texts[0]);
        Assert.DoesNotContain(posts, p => !string.IsNullOrEmpty(p.Authorization)); // no app id: the Emulator's unauthenticated mode
    }

    [Fact]
    public async Task A_channel_that_fails_for_a_moment_gets_each_reply_once()
    {
        var calls = 0;
        await using var channel = await LoopbackServer.StartAsync(web =>
            web.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", () =>
                Interlocked.Increment(ref calls) <= 2 ? Results.StatusCode(503) : Results.Ok(new { id = "ok" })));
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/messages", BotApplication.Json(BotApplication.Message("c1", "hi", channel.BaseAddress.ToString(), expectReplies: false)));
        response.EnsureSuccessStatusCode();

        var all = await channel.WaitForAsync(_ => true, count: 3);
        await Task.Delay(500);
        Assert.Equal(3, channel.Requests.Count); // two 503s, then one success; nothing after
        var outbox = app.Services.GetRequiredService<IOutboxStore>();
        var key = "connector:" + JsonSerializer.Deserialize(all[^1].Body, BotJsonContext.Wire.Activity)!.Id;
        Assert.Equal(OutboxStatus.Sent, await outbox.GetStatusAsync(key, CancellationToken.None));
    }

    [Fact]
    public async Task A_reply_the_channel_refuses_is_recorded_as_failed_and_not_retried()
    {
        await using var channel = await LoopbackServer.StartAsync(web =>
            web.MapPost("/v3/conversations/{conversationId}/activities/{activityId}", () => Results.StatusCode(403)));
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/messages", BotApplication.Json(BotApplication.Message("c1", "hi", channel.BaseAddress.ToString(), expectReplies: false)));
        response.EnsureSuccessStatusCode();

        var first = Assert.Single(await channel.WaitForAsync(_ => true));
        await Task.Delay(700);
        Assert.Single(channel.Requests);
        var key = "connector:" + JsonSerializer.Deserialize(first.Body, BotJsonContext.Wire.Activity)!.Id;
        Assert.Equal(OutboxStatus.Failed, await app.Services.GetRequiredService<IOutboxStore>().GetStatusAsync(key, CancellationToken.None));
    }

    public static TheoryData<string, string, string?, HttpStatusCode> BadRequests => new()
    {
        { "malformed JSON", "{\"type\":\"message\",", "application/json", HttpStatusCode.BadRequest },
        { "not an object", "[1,2,3]", "application/json", HttpStatusCode.BadRequest },
        { "JSON null", "null", "application/json", HttpStatusCode.BadRequest },
        { "wrong type for a field", "{\"type\":\"message\",\"timestamp\":42}", "application/json", HttpStatusCode.BadRequest },
        { "missing required fields", "{\"type\":\"message\",\"text\":\"hi\"}", "application/json", HttpStatusCode.BadRequest },
        { "empty body", "", "application/json", HttpStatusCode.BadRequest },
        { "wrong content type", "{\"type\":\"message\"}", "text/plain", HttpStatusCode.UnsupportedMediaType },
        { "no content type", "{\"type\":\"message\"}", null, HttpStatusCode.UnsupportedMediaType },
        { "invalid UTF-8", "{\"type\":\"message\",\"text\":\"\uFFFD\"}", "application/json", HttpStatusCode.BadRequest },
    };

    [Theory, MemberData(nameof(BadRequests))]
    public async Task Bad_input_gets_a_problem_and_stores_nothing(string why, string body, string? contentType, HttpStatusCode expected)
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        var bytes = why == "invalid UTF-8" ? [.. Encoding.UTF8.GetBytes("{\"type\":\"message\",\"text\":\""), 0xC3, 0x28, .. "\"}"u8.ToArray()] : Encoding.UTF8.GetBytes(body);
        using var content = new ByteArrayContent(bytes);
        if (contentType is not null) content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);

        using var response = await client.PostAsync("/api/messages", content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.Equal(0, await app.CountAsync("bot_state"));
    }

    [Fact]
    public async Task Missing_fields_are_named_in_the_problem()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/messages", new StringContent("{\"type\":\"message\",\"text\":\"hi\"}", Encoding.UTF8, "application/json"));

        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("channelId", out _));
        Assert.True(errors.TryGetProperty("conversation.id", out _));
        Assert.True(errors.TryGetProperty("from.id", out _));
        Assert.True(errors.TryGetProperty("serviceUrl", out _));
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_413_and_stores_nothing()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        var activity = BotApplication.Message("big", new string('x', 1024 * 1024));

        using var response = await client.PostAsync("/api/messages", BotApplication.Json(activity));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await app.CountAsync("bot_state"));
    }

    [Fact]
    public async Task A_chunked_body_over_one_megabyte_is_413_too()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        using var content = new StreamContent(new MemoryStream(new byte[1024 * 1024 + 10]));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = content };
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Replies_go_only_to_loopback_while_authentication_is_off()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/api/messages", BotApplication.Json(BotApplication.Message("c1", "hi", "https://attacker.example/", expectReplies: false)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await app.CountAsync("outbox"));
    }

    [Fact]
    public async Task An_invoke_the_bot_does_not_handle_is_501()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();
        var invoke = BotApplication.Message("c1", "x");
        invoke.Type = ActivityTypes.Invoke;
        invoke.Name = "adaptiveCard/action";

        using var response = await client.PostAsync("/api/messages", BotApplication.Json(invoke));

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
    }

    [Fact]
    public async Task Other_methods_are_405_with_a_problem()
    {
        await using var app = new BotApplication(TestDatabase.CreateSqlite());
        using var client = app.CreateClient();

        using var response = await client.GetAsync("/api/messages");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }
}
