using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Line;

/// <summary>
/// <c>POST /api/line/webhook</c>: the signature is checked over the raw body before anything is parsed
/// (401 and nothing stored if it is missing or wrong); the events are validated (400 if malformed),
/// persisted — once per <c>webhookEventId</c> — and acknowledged; their turns run in the background.
/// </summary>
public static class LineWebhookApi
{
    public const string Channel = "line";

    /// <summary>The reply tokens and user of the console's old "Verify" events, which must not be answered.</summary>
    private static readonly HashSet<string> DummyReplyTokens = ["00000000000000000000000000000000", "ffffffffffffffffffffffffffffffff"];
    private const string DummyUserId = "Udeadbeefdeadbeefdeadbeefdeadbeef";

    public static IEndpointRouteBuilder MapLineWebhook(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/line/webhook", ReceiveAsync).AllowAnonymous();
        return app;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptions<LineOptions> options, ChannelInbox inbox, TimeProvider clock)
    {
        var settings = options.Value;
        var (webhook, problem) = await SignedWebhook.ReadAsync(http, "LINE", settings.Enabled, "x-line-signature",
            (body, signature) => WebhookSignatures.IsValidBase64(settings.ChannelSecret!, body, signature), LineJson.Default.LineWebhook);
        if (problem is not null) return problem;
        if (webhook!.Events is null) return Problems.BadRequest("The body has no \"events\" array.");

        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var events = new List<InboundEvent>();
        for (var i = 0; i < webhook.Events.Count; i++)
        {
            var e = SignedWebhook.Event(webhook.Events[i], LineJson.Default.LineEvent);
            if (e is null || string.IsNullOrWhiteSpace(e.Type) || string.IsNullOrWhiteSpace(e.WebhookEventId) || e.WebhookEventId.Length > 100)
            {
                return Problems.BadRequest($"events[{i}] is not a LINE webhook event (it needs \"type\" and \"webhookEventId\").");
            }
            if (e.Source?.Type == "user" && (string.IsNullOrWhiteSpace(e.Source.UserId) || e.Source.UserId.Length > 100))
            {
                return Problems.BadRequest($"events[{i}].source has no userId.");
            }
            if (e.Source?.Type != "user") continue;          // groups and rooms: the bot talks one to one only
            if (e.Mode == "standby") continue;                 // another channel owns the chat now
            if (e.Source.UserId == DummyUserId || (e.ReplyToken is { } token && DummyReplyTokens.Contains(token))) continue; // a console verify event
            var item = new LineInboxItem { Destination = webhook.Destination, ReceivedAt = receivedAt, Event = e };
            events.Add(new InboundEvent(e.WebhookEventId, e.Source.UserId!, JsonSerializer.Serialize(item, LineJson.Default.LineInboxItem)));
        }
        // An empty "events" array is the console's connection check: 200, nothing stored.
        return await inbox.PersistAsync(Channel, events, http) ?? TypedResults.Ok();
    }
}
