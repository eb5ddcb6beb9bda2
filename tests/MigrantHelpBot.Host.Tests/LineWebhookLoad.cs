using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>LINE traffic for host processes (<see cref="HostProcess"/>): their settings against a fake LINE, message events, and signed delivery.</summary>
internal static class LineWebhookLoad
{
    /// <summary>A host on <paramref name="database"/> talking to <paramref name="line"/>; every answer goes by its reply token, so each is countable.</summary>
    public static Dictionary<string, string?> Settings(TestDatabase database, FakeLine line, Dictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(database.Settings)
        {
            ["Line:ChannelSecret"] = FakeLine.Secret,
            ["Line:ChannelAccessToken"] = FakeLine.Token,
            ["Line:ApiBaseUrl"] = line.BaseAddress.ToString(),
            ["Line:ReplyTokenLifetime"] = "00:10:00",
            ["Outbox:PollInterval"] = "00:00:00.100",
            ["Languages:Path"] = RepositoryPaths.Locales,
            ["Dialogs:Path"] = RepositoryPaths.Dialogs,
            ["Directory:SeedFile"] = RepositoryPaths.SampleDirectory,
            ["Logging:LogLevel:Default"] = "Warning",
            ["RateLimits:Enabled"] = "false",
            ["Handoff:DemoAccount"] = "false",
        };
        foreach (var (key, value) in more ?? []) settings[key] = value;
        return settings;
    }

    public static JsonObject Event(string userId, string text, string replyToken) => new()
    {
        ["type"] = "message",
        ["mode"] = "active",
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
        ["webhookEventId"] = "01JLOAD" + Guid.NewGuid().ToString("N")[..19].ToUpperInvariant(),
        ["deliveryContext"] = new JsonObject { ["isRedelivery"] = false },
        ["source"] = new JsonObject { ["type"] = "user", ["userId"] = userId },
        ["replyToken"] = replyToken,
        ["message"] = new JsonObject { ["type"] = "text", ["id"] = Guid.NewGuid().ToString("N")[..8], ["text"] = text },
    };

    /// <summary>Posts one signed webhook; true when the host acknowledged it (200), false when it refused it or was unreachable (LINE would redeliver).</summary>
    public static async Task<bool> DeliverAsync(HttpClient http, Uri host, JsonObject e, bool redelivery = false)
    {
        var copy = e.DeepClone().AsObject();
        copy["deliveryContext"] = new JsonObject { ["isRedelivery"] = redelivery };
        var bytes = Encoding.UTF8.GetBytes(new JsonObject { ["destination"] = "U0", ["events"] = new JsonArray(copy) }.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(host, "api/line/webhook")) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("x-line-signature", WebhookSignatures.SignBase64(FakeLine.Secret, bytes));
        try
        {
            using var response = await http.SendAsync(request);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }
}
