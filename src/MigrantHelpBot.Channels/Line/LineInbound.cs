using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Line;

/// <summary>
/// Turns a stored LINE event into an activity and runs its turn: a text message or postback is a
/// message; a photo, sticker, video, audio, file or location is a message with an attachment (the
/// bot asks for words); follow greets; unfollow marks the user inactive (their cases are kept).
/// The profile's language is the activity's locale (a hint). A slow turn shows the loading animation.
/// </summary>
public sealed partial class LineInbound(
    TurnRunner runner,
    LineDelivery delivery,
    ChannelUsers users,
    IHttpClientFactory httpClients,
    IOptions<LineOptions> options,
    ILogger<LineInbound> logger) : InboundTurns(runner)
{
    public const string HttpClientName = "line";

    public override string Channel => ChannelInbox.QueueOf(LineWebhookApi.Channel);

    protected override async Task<(Activity? Activity, ITurnDelivery? Delivery)> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var item = JsonSerializer.Deserialize(entry.Payload, LineJson.Default.LineInboxItem) ?? throw new JsonException("empty");
        var e = item.Event;
        var userId = e.Source?.UserId ?? throw new JsonException("no user");
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp > 0 ? e.Timestamp : item.ReceivedAt);
        if (e.Type == "unfollow")
        {
            await users.DeactivateAsync(LineWebhookApi.Channel, userId, at, cancellationToken);
            return (null, null);
        }
        if (e.Type is not ("message" or "postback" or "follow")) return (null, null);

        var language = await LanguageAsync(userId, cancellationToken);
        await users.TouchAsync(LineWebhookApi.Channel, userId, at, language, cancellationToken);
        var user = new ChannelAccount { Id = userId, Role = "user" };
        var activity = new Activity
        {
            Id = e.WebhookEventId,
            ChannelId = LineWebhookApi.Channel,
            Conversation = new ConversationAccount { Id = userId },
            From = user,
            Recipient = new ChannelAccount { Id = item.Destination ?? "line-bot", Role = "bot" },
            Timestamp = at,
            Locale = string.IsNullOrEmpty(language) ? null : language,
            ChannelData = e.ReplyToken is { Length: > 0 } token
                ? JsonSerializer.SerializeToElement(new LineReplyContext(token, item.ReceivedAt), LineDeliveryJson.Default.LineReplyContext)
                : null,
        };
        switch (e.Type)
        {
            case "follow":
                activity.Type = ActivityTypes.ConversationUpdate;
                activity.MembersAdded = [user];
                break;
            case "postback":
                activity.Type = ActivityTypes.Message;
                activity.Text = e.Postback?.Data;
                break;
            case "message" when e.Message?.Type == "text":
                activity.Type = ActivityTypes.Message;
                activity.Text = e.Message.Text;
                break;
            default:
                activity.Type = ActivityTypes.Message;
                activity.Attachments = [new Attachment { ContentType = e.Message?.Type ?? "file" }];
                break;
        }
        return (activity, delivery);
    }

    protected override async Task RunAsync(Activity activity, ITurnDelivery delivery, CancellationToken cancellationToken)
    {
        var turn = base.RunAsync(activity, delivery, cancellationToken);
        if (activity.Type == ActivityTypes.Message && await Task.WhenAny(turn, Task.Delay(options.Value.LoadingAfter, cancellationToken)) != turn)
        {
            _ = ShowLoadingAsync(activity.From!.Id!);
        }
        await turn;
    }

    /// <summary>The user's language from their LINE profile, asked once ("" = LINE did not say; null = could not ask now).</summary>
    private async Task<string?> LanguageAsync(string userId, CancellationToken cancellationToken)
    {
        var known = await users.GetAsync(LineWebhookApi.Channel, userId, cancellationToken);
        if (known?.Language is { } language) return language;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{options.Value.ApiBaseUrl.TrimEnd('/')}/v2/bot/profile/{Uri.EscapeDataString(userId)}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ChannelAccessToken);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            if (!response.IsSuccessStatusCode) return null;
            var profile = await response.Content.ReadFromJsonAsync(LineJson.Default.LineProfile, timeout.Token);
            return profile?.Language ?? string.Empty;
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            LogProfileFailed(exception);
            return null;
        }
    }

    private async Task ShowLoadingAsync(string userId)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{options.Value.ApiBaseUrl.TrimEnd('/')}/v2/bot/chat/loading/start")
            {
                Content = JsonContent.Create(new LineLoadingRequest(userId, 20), LineJson.Default.LineLoadingRequest),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ChannelAccessToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            LogLoadingFailed(exception); // only a courtesy: the reply still comes
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Could not read a LINE profile; no language hint this time.")]
    private partial void LogProfileFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not show LINE's loading animation.")]
    private partial void LogLoadingFailed(Exception exception);
}
