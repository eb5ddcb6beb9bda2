using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;
using Polly;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>
/// Sends Messenger outbox entries through the Send API. Within 24 hours of the user's last message:
/// <c>messaging_type: RESPONSE</c>. A person's reply later than that and within 7 days goes with
/// <c>MESSAGE_TAG</c> / <c>HUMAN_AGENT</c>; anything else outside the window is not sent (recorded as
/// rejected: the user must write first). The recipient is the PSID the entry carries or, for a proactive
/// message, the one sealed in the user's record. Messenger's own pipeline (timeout, retries with jitter,
/// Retry-After, breaker).
/// </summary>
internal sealed class MessengerSender(IHttpClientFactory httpClients, ChannelUsers users, IOptions<MessengerOptions> options, TimeProvider clock) : IOutboxSender
{
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline = ResilientHttp.Pipeline(options.Value.SendTimeout);

    public string Channel => MessengerDelivery.Channel;

    public async Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var settings = options.Value;
        if (!settings.Enabled) return new SendResult(SendOutcome.Rejected, "Messenger is not configured.");
        if (ResilientHttp.Read(entry, MessengerJson.Default.MessengerSend) is not { } send) return new SendResult(SendOutcome.Rejected, "The outbox entry is unreadable.");

        var user = await users.GetAsync(MessengerWebhookApi.Channel, send.RecipientId, cancellationToken);
        var (type, tag, problem) = MessengerWindow.Check(user?.LastInboundAt, send.HumanAgent, clock.GetUtcNow(), settings);
        if (problem is not null) return new SendResult(SendOutcome.Rejected, problem);
        if (await users.AddressAsync(Channel, send.RecipientId, send.Address ?? user?.Address, cancellationToken) is not { } psid)
        {
            return new SendResult(SendOutcome.Rejected, "The worker's Messenger account is no longer stored here (they deleted their data).");
        }
        var body = new SendApiRequest
        {
            Recipient = new MessengerParty { Id = psid },
            MessagingType = type!,
            Tag = tag,
            Message = new SendApiMessage { Text = send.Text, QuickReplies = send.QuickReplies },
        };
        var http = httpClients.CreateClient(MessengerInbound.HttpClientName);
        return await ResilientHttp.GuardAsync(async () =>
        {
            using var response = await _pipeline.ExecuteAsync(async ct =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, $"{settings.GraphApiBaseUrl.TrimEnd('/')}/me/messages")
                {
                    Content = JsonContent.Create(body, MessengerJson.Default.SendApiRequest),
                };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.PageAccessToken);
                return await http.SendAsync(request, ct);
            }, cancellationToken);
            // The Graph API's own reason: {"error":{"message"}}.
            return await ResilientHttp.ClassifyAsync(response, async r => (await r.Content.ReadFromJsonAsync(MessengerJson.Default.GraphError))?.Error?.Message);
        }, cancellationToken);
    }
}

/// <summary>Messenger's messaging window: how a message may go now, or why it may not.</summary>
public static class MessengerWindow
{
    /// <summary>How a message may go now (messaging type and tag), or why it may not.</summary>
    public static (string? Type, string? Tag, string? Problem) Check(DateTimeOffset? lastInbound, bool human, DateTimeOffset now, MessengerOptions settings)
    {
        var since = lastInbound is { } at ? now - at : TimeSpan.MaxValue;
        if (since <= settings.ResponseWindow) return ("RESPONSE", null, null);
        if (human && since <= settings.HumanAgentWindow) return ("MESSAGE_TAG", "HUMAN_AGENT", null);
        return (null, null, human
            ? "The worker last wrote on Messenger more than 7 days ago; Messenger lets us write only after they write again."
            : "Outside Messenger's 24-hour window; the bot may write only after the worker writes again.");
    }
}
