using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Host.Tests;

/// <summary>What a Direct Line client does, spelled out over HTTP.</summary>
internal sealed class DirectLineClient(HttpClient http)
{
    public string ConversationId { get; private set; } = string.Empty;
    public string Token { get; private set; } = string.Empty;
    public string Watermark { get; private set; } = string.Empty;

    /// <summary>A client that picks up an existing conversation (a page reload, a restarted server).</summary>
    public static DirectLineClient Resume(HttpClient http, string token, string conversationId) =>
        new(http) { Token = token, ConversationId = conversationId };

    public static async Task<DirectLineClient> StartAsync(HttpClient http, string? locale = null)
    {
        var client = new DirectLineClient(http);
        using var token = await client.SendAsync(HttpMethod.Post, "/v3/directline/tokens/generate", BotApplication.DirectLineSecret);
        token.EnsureSuccessStatusCode();
        var issued = await token.Content.ReadFromJsonAsync<JsonElement>();
        client.Token = issued.GetProperty("token").GetString()!;
        client.ConversationId = issued.GetProperty("conversationId").GetString()!;
        using var start = await client.SendAsync(HttpMethod.Post, "/v3/directline/conversations", client.Token, locale is null ? null : $$"""{"locale":"{{locale}}"}""");
        if (start.StatusCode != System.Net.HttpStatusCode.Created) throw new InvalidOperationException($"start: {start.StatusCode}");
        return client;
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? bearer, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (json is not null) request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await http.SendAsync(request);
    }

    public async Task<string> SayAsync(string text, string? clientActivityId = null, string fromId = "claimed-id")
    {
        var body = JsonSerializer.Serialize(new Activity
        {
            Type = ActivityTypes.Message,
            Text = text,
            From = new ChannelAccount { Id = fromId, Name = "Lan" },
            ChannelData = clientActivityId is null ? null : JsonSerializer.SerializeToElement(new { clientActivityID = clientActivityId }),
        }, BotJsonContext.Wire.Activity);
        using var response = await SendAsync(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/activities", Token, body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    /// <summary>Polls from the last watermark.</summary>
    public async Task<List<Activity>> PollAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, $"/v3/directline/conversations/{ConversationId}/activities?watermark={Watermark}", Token);
        response.EnsureSuccessStatusCode();
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        Watermark = page.GetProperty("watermark").GetString()!;
        return [.. page.GetProperty("activities").EnumerateArray().Select(a => a.Deserialize(BotJsonContext.Wire.Activity)!)];
    }
}
