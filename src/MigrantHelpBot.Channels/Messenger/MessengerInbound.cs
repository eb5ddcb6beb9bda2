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
/// profile's locale is a language hint.
/// </summary>
public sealed partial class MessengerInbound(
    TurnRunner runner,
    MessengerDelivery delivery,
    ChannelUsers users,
    IHttpClientFactory httpClients,
    IOptions<MessengerOptions> options,
    ILogger<MessengerInbound> logger) : InboundTurns(runner)
{
    public const string HttpClientName = "messenger";

    public override string Channel => ChannelInbox.QueueOf(MessengerWebhookApi.Channel);

    protected override async Task<(Activity? Activity, ITurnDelivery? Delivery)> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var item = JsonSerializer.Deserialize(entry.Payload, MessengerJson.Default.MessengerInboxItem) ?? throw new JsonException("empty");
        var e = item.Event;
        var userId = e.Sender?.Id ?? throw new JsonException("no sender");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp > 0 ? e.Timestamp : item.ReceivedAt);
        var language = await LanguageAsync(userId, cancellationToken);
        await users.TouchAsync(MessengerWebhookApi.Channel, userId, at, language, cancellationToken);

        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = e.Message?.Mid ?? e.Postback?.Mid,
            ChannelId = MessengerWebhookApi.Channel,
            Conversation = new ConversationAccount { Id = userId },
            From = new ChannelAccount { Id = userId, Role = "user" },
            Recipient = new ChannelAccount { Id = e.Recipient?.Id ?? "page", Role = "bot" },
            Timestamp = at,
            Locale = string.IsNullOrEmpty(language) ? null : language,
        };
        if (e.Postback is { } postback) activity.Text = postback.Payload ?? postback.Title;
        else if (e.Message?.QuickReply?.Payload is { Length: > 0 } payload) activity.Text = payload;
        else if (!string.IsNullOrEmpty(e.Message?.Text)) activity.Text = e.Message.Text;
        else activity.Attachments = [new Attachment { ContentType = e.Message?.Attachments?.FirstOrDefault()?.Type ?? "file" }];
        return (activity, delivery);
    }

    /// <summary>The profile's locale (vi_VN → vi-VN), asked once ("" = not given; null = could not ask now).</summary>
    private async Task<string?> LanguageAsync(string userId, CancellationToken cancellationToken)
    {
        var known = await users.GetAsync(MessengerWebhookApi.Channel, userId, cancellationToken);
        if (known?.Language is { } language) return language;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{options.Value.GraphApiBaseUrl.TrimEnd('/')}/{Uri.EscapeDataString(userId)}?fields=locale");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.PageAccessToken);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return string.Empty; // locale needs an extra permission: fall back to detection
            var profile = await response.Content.ReadFromJsonAsync(MessengerJson.Default.MessengerProfile, timeout.Token);
            return profile?.Locale?.Replace('_', '-') ?? string.Empty;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogProfileFailed(exception);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read a Messenger profile; no language hint this time.")]
    private partial void LogProfileFailed(Exception exception);
}
