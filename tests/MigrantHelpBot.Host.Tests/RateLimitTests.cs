using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Abuse limits on the public endpoints: per address, per user (a Direct Line conversation, a token),
/// stricter for sign-in and looser for the platforms' webhooks; over a limit the answer is 429 with
/// Retry-After and a ProblemDetails body, and nothing is stored.
/// </summary>
public sealed class RateLimitTests
{
    private static BotApplication Start(Dictionary<string, string?> limits) => new(TestDatabase.CreateSqlite(), limits);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task AssertLimitedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        var wait = response.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
        Assert.Contains("Try again in", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task One_address_gets_429_with_Retry_After_past_its_limit_while_health_and_the_chat_page_stay_open()
    {
        await using var app = Start(new() { ["RateLimits:PerAddressPerMinute"] = "5" });
        var client = app.CreateClient();
        for (var i = 0; i < 5; i++)
        {
            using var ok = await client.PostAsync("/api/triage", Json("""{"text":"Tôi chưa được trả lương"}"""));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        using (var limited = await client.PostAsync("/api/triage", Json("""{"text":"Tôi chưa được trả lương"}"""))) await AssertLimitedAsync(limited);
        using (var limited = await client.GetAsync("/api/directory/organizations")) await AssertLimitedAsync(limited); // the address, whatever the endpoint
        using (var health = await client.GetAsync("/healthz")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using (var page = await client.GetAsync("/")) Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Sign_in_is_limited_more_strictly_even_with_the_right_password()
    {
        await using var app = Start(new() { ["RateLimits:SignInPerAddressPerMinute"] = "3" });
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await client.PostAsJsonAsync("/api/staff/token", new { email = "nobody@example.org", password = "guess " + i });
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }
        using (var limited = await client.PostAsJsonAsync("/api/staff/token", new { email = "nobody@example.org", password = "guess" })) await AssertLimitedAsync(limited);
        using (var other = await client.PostAsync("/api/triage", Json("""{"text":"hello"}"""))) Assert.Equal(HttpStatusCode.OK, other.StatusCode); // other endpoints are not
    }

    [Fact]
    public async Task One_Direct_Line_conversation_is_limited_and_its_extra_message_is_not_stored_while_another_goes_on()
    {
        await using var app = Start(new() { ["RateLimits:PerUserPerMinute"] = "4" });
        var first = await DirectLineClient.StartAsync(app.CreateClient(), "en-US");
        var second = await DirectLineClient.StartAsync(app.CreateClient(), "en-US");
        for (var i = 0; i < 4; i++)
        {
            using var sent = await first.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{first.ConversationId}/activities", first.Token,
                $$"""{"type":"message","from":{"id":"worker-1"},"text":"hello {{i}}"}""");
            Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        }
        var logged = await app.CountAsync("activity_log");
        using (var limited = await first.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{first.ConversationId}/activities", first.Token,
            """{"type":"message","from":{"id":"worker-1"},"text":"one too many"}""")) await AssertLimitedAsync(limited);
        Assert.Equal(logged, await app.CountAsync("activity_log"));

        using var fine = await second.SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{second.ConversationId}/activities", second.Token,
            """{"type":"message","from":{"id":"worker-2"},"text":"hello"}""");
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task The_webhooks_have_their_own_address_limit()
    {
        await using var app = Start(new() { ["RateLimits:WebhookPerAddressPerMinute"] = "2", ["RateLimits:PerAddressPerMinute"] = "2" });
        var client = app.CreateClient();
        for (var i = 0; i < 2; i++)
        {
            using var off = await client.PostAsync("/api/line/webhook", Json("""{"events":[]}"""));
            Assert.Equal(HttpStatusCode.NotFound, off.StatusCode); // LINE is not configured here: answered, not limited
        }
        using (var limited = await client.PostAsync("/api/line/webhook", Json("""{"events":[]}"""))) await AssertLimitedAsync(limited);
        using var triage = await client.PostAsync("/api/triage", Json("""{"text":"hello"}""")); // a separate budget
        Assert.Equal(HttpStatusCode.OK, triage.StatusCode);
    }

    [Fact]
    public async Task A_state_changing_staff_request_from_another_site_is_refused_before_it_is_read()
    {
        await using var app = Start([]);
        var client = app.CreateClient();
        foreach (var (header, value) in new[] { ("Origin", "https://evil.example"), ("Sec-Fetch-Site", "cross-site") })
        {
            using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/staff/token") { Content = Json("""{"email":"a@b.c","password":"x"}""") };
            forged.Headers.Add(header, value);
            using var refused = await client.SendAsync(forged);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(0, await app.CountAsync("case_audit")); // not even a failed sign-in was recorded
        using var same = new HttpRequestMessage(HttpMethod.Post, "/api/staff/token") { Content = Json("""{"email":"a@b.c","password":"x"}""") };
        same.Headers.Add("Origin", client.BaseAddress!.GetLeftPart(UriPartial.Authority));
        same.Headers.Add("Sec-Fetch-Site", "same-origin");
        using (var answered = await client.SendAsync(same)) Assert.Equal(HttpStatusCode.Unauthorized, answered.StatusCode);
        using (var server = await client.PostAsync("/api/staff/token", Json("""{"email":"a@b.c","password":"x"}"""))) Assert.Equal(HttpStatusCode.Unauthorized, server.StatusCode);
        using (var chat = new HttpRequestMessage(HttpMethod.Post, "/api/triage") { Content = Json("""{"text":"hello"}""") })
        {
            chat.Headers.Add("Origin", "https://partner-ngo.example"); // the worker-side APIs are meant to be embedded
            using var answered = await client.SendAsync(chat);
            Assert.Equal(HttpStatusCode.OK, answered.StatusCode);
        }
    }
}
