using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>
/// Turns a stored Messenger event into an activity and runs its turn: a text (a tapped quick reply
/// reads as its payload) or postback is a message; attachments alone are a message with an attachment
/// (the bot asks for words). The time of the user's message opens Messenger's reply window; the
/// profile's locale is a language hint. The activity carries the user's pseudonym; their PSID is used
/// only to call Messenger.
/// </summary>
public sealed class MessengerInbound(
    TurnRunner runner,
    MessengerDelivery delivery,
    ChannelUsers users,
    IHttpClientFactory httpClients,
    IOptions<MessengerOptions> options,
    ILogger<MessengerInbound> logger) : InboundTurns(runner, delivery, users, httpClients, logger)
{
    public const string HttpClientName = MessengerWebhookApi.Channel;

    protected override string Platform => MessengerWebhookApi.Channel;

    protected override async Task<InboundTurn?> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var item = JsonSerializer.Deserialize(entry.Payload, MessengerJson.Default.MessengerInboxItem) ?? throw new JsonException("empty");
        var e = item.Event;
        var address = e.Sender?.Id ?? throw new JsonException("no sender");
        var userId = Pseudonym(address);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp > 0 ? e.Timestamp : item.ReceivedAt);
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = e.Message?.Mid ?? e.Postback?.Mid,
            ChannelId = Platform,
            Conversation = new ConversationAccount { Id = userId },
            From = new ChannelAccount { Id = userId, Role = "user" },
            Recipient = new ChannelAccount { Id = e.Recipient?.Id ?? "page", Role = "bot" },
            Timestamp = at,
            Locale = await TouchAsync(userId, address, at, cancellationToken),
        };
        if (e.Postback is { } postback) activity.Text = postback.Payload ?? postback.Title;
        else if (e.Message?.QuickReply?.Payload is { Length: > 0 } payload) activity.Text = payload;
        else if (!string.IsNullOrEmpty(e.Message?.Text)) activity.Text = e.Message.Text;
        else activity.Attachments = [new Attachment { ContentType = e.Message?.Attachments?.FirstOrDefault()?.Type ?? "file" }];
        return new InboundTurn(activity, address);
    }

    /// <summary>Graph's user profile; <c>locale</c> may need an extra permission (then detection decides).</summary>
    protected override HttpRequestMessage ProfileRequest(string userId)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"{options.Value.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(userId)}?fields=locale");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.PageAccessToken);
        return request;
    }

    /// <summary>vi_VN → vi-VN.</summary>
    protected override async Task<string?> ReadProfileLanguageAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await response.Content.ReadFromJsonAsync(MessengerJson.Default.MessengerProfile, cancellationToken))?.Locale?.Replace('_', '-');
}
