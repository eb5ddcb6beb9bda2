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
/// The activity carries the user's pseudonym; their LINE user id is used only to call LINE.
/// </summary>
public sealed partial class LineInbound(
    TurnRunner runner,
    LineDelivery delivery,
    ChannelUsers users,
    IHttpClientFactory httpClients,
    IOptions<LineOptions> options,
    ILogger<LineInbound> logger) : InboundTurns(runner, delivery, users, httpClients, logger)
{
    public const string HttpClientName = LineWebhookApi.Channel;

    protected override string Platform => LineWebhookApi.Channel;

    protected override async Task<InboundTurn?> ReadAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        var item = JsonSerializer.Deserialize(entry.Payload, LineJson.Default.LineInboxItem) ?? throw new JsonException("empty");
        var e = item.Event;
        var address = e.Source?.UserId ?? throw new JsonException("no user");
        var userId = Pseudonym(address);
        var at = DateTimeOffset.FromUnixTimeMilliseconds(e.Timestamp > 0 ? e.Timestamp : item.ReceivedAt);
        if (e.Type == "unfollow")
        {
            await Users.DeactivateAsync(Platform, userId, address, at, cancellationToken);
            return null;
        }
        if (e.Type is not ("message" or "postback" or "follow")) return null;

        var user = new ChannelAccount { Id = userId, Role = "user" };
        var activity = new Activity
        {
            Type = ActivityTypes.Message,
            Id = e.WebhookEventId,
            ChannelId = Platform,
            Conversation = new ConversationAccount { Id = userId },
            From = user,
            Recipient = new ChannelAccount { Id = item.Destination ?? "line-bot", Role = "bot" },
            Timestamp = at,
            Locale = await TouchAsync(userId, address, at, cancellationToken),
            ChannelData = e.ReplyToken is { Length: > 0 } token
                ? JsonSerializer.SerializeToElement(new LineReplyContext(token, item.ReceivedAt), LineDeliveryJson.Default.LineReplyContext)
                : null,
        };
        if (e.Type == "follow")
        {
            activity.Type = ActivityTypes.ConversationUpdate;
            activity.MembersAdded = [user];
        }
        else if (e.Type == "postback") activity.Text = e.Postback?.Data;
        else if (e.Message?.Type == "text") activity.Text = e.Message.Text;
        else activity.Attachments = [new Attachment { ContentType = e.Message?.Type ?? "file" }];
        return new InboundTurn(activity, address);
    }

    protected override async Task RunAsync(InboundTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var running = base.RunAsync(turn, cancellationToken);
        if (turn.Activity.Type == ActivityTypes.Message && await Task.WhenAny(running, Task.Delay(options.Value.LoadingAfter, cancellationToken)) != running)
        {
            _ = ShowLoadingAsync(turn.Address);
        }
        await running;
    }

    protected override HttpRequestMessage ProfileRequest(string userId) =>
        Authorized(new HttpRequestMessage(HttpMethod.Get, $"{options.Value.ApiBaseUrl.TrimEnd('/')}/v2/bot/profile/{Uri.EscapeDataString(userId)}"));

    protected override async Task<string?> ReadProfileLanguageAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        (await response.Content.ReadFromJsonAsync(LineJson.Default.LineProfile, cancellationToken))?.Language;

    private HttpRequestMessage Authorized(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ChannelAccessToken);
        return request;
    }

    private async Task ShowLoadingAsync(string userId)
    {
        try
        {
            using var request = Authorized(new HttpRequestMessage(HttpMethod.Post, $"{options.Value.ApiBaseUrl.TrimEnd('/')}/v2/bot/chat/loading/start")
            {
                Content = JsonContent.Create(new LineLoadingRequest(userId, 20), LineJson.Default.LineLoadingRequest),
            });
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var response = await HttpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            LogLoadingFailed(exception); // only a courtesy: the reply still comes
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not show LINE's loading animation.")]
    private partial void LogLoadingFailed(Exception exception);
}
