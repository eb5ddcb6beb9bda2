using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>
/// <c>GET /api/messenger/webhook</c> answers Meta's verification; <c>POST</c> checks
/// <c>X-Hub-Signature-256</c> over the raw body (401 and nothing stored if wrong), reads every entry and
/// every messaging event (they come batched), ignores echoes of our own messages, persists each
/// message or postback once per <c>mid</c> and acknowledges; the turns run in the background.
/// </summary>
public static class MessengerWebhookApi
{
    public const string Channel = "messenger";

    public static IEndpointRouteBuilder MapMessengerWebhook(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGet("/api/messenger/webhook", Verify).AllowAnonymous();
        app.MapPost("/api/messenger/webhook", ReceiveAsync).AllowAnonymous();
        return app;
    }

    private static IResult Verify(HttpRequest request, IOptions<MessengerOptions> options)
    {
        var settings = options.Value;
        if (!settings.Enabled) return Problems.NotFound("Messenger is not configured on this service.");
        var mode = request.Query["hub.mode"].ToString();
        var token = request.Query["hub.verify_token"].ToString();
        var challenge = request.Query["hub.challenge"].ToString();
        var expected = System.Text.Encoding.UTF8.GetBytes(settings.VerifyToken!);
        var given = System.Text.Encoding.UTF8.GetBytes(token);
        if (mode != "subscribe" || challenge.Length == 0 || !System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Problems.Forbidden("The verification request does not match this service's verify token.");
        }
        return TypedResults.Text(challenge, "text/plain");
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IOptions<MessengerOptions> options, ChannelInbox inbox, TimeProvider clock)
    {
        var settings = options.Value;
        var (webhook, problem) = await SignedWebhook.ReadAsync(http, "Messenger", settings.Enabled, "X-Hub-Signature-256",
            (body, signature) => WebhookSignatures.IsValidHex(settings.AppSecret!, body, signature), MessengerJson.Default.MessengerWebhook);
        if (problem is not null) return problem;
        if (webhook!.Kind != "page" || webhook.Entry is null) return Problems.BadRequest("The body is not a Page webhook (it needs \"object\":\"page\" and an \"entry\" array).");

        var receivedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var events = new List<InboundEvent>();
        for (var i = 0; i < webhook.Entry.Count; i++)
        {
            var messaging = webhook.Entry[i]?.Messaging ?? [];
            for (var j = 0; j < messaging.Count; j++)
            {
                var e = SignedWebhook.Event(messaging[j], MessengerJson.Default.MessagingEvent);
                if (e?.Sender?.Id is not { Length: > 0 and <= 100 } sender) return Problems.BadRequest($"entry[{i}].messaging[{j}] has no sender id.");
                if (e.Message is { IsEcho: true }) continue; // what the page sent (our replies, or a person in the Page inbox)
                var mid = e.Message?.Mid ?? e.Postback?.Mid;
                if (e.Message is null && e.Postback is null) continue; // deliveries, reads, reactions: nothing to answer
                if (mid is not { Length: > 0 and <= 200 }) return Problems.BadRequest($"entry[{i}].messaging[{j}] has no message id (mid).");
                var item = new MessengerInboxItem { ReceivedAt = receivedAt, Event = e };
                events.Add(new InboundEvent(mid, sender, JsonSerializer.Serialize(item, MessengerJson.Default.MessengerInboxItem)));
            }
        }
        return await inbox.PersistAsync(Channel, events, http) ?? TypedResults.Ok();
    }
}
