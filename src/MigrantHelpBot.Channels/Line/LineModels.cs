using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrantHelpBot.Channels.Line;

/// <summary>Configuration section <c>Line</c>. Without the channel secret and access token the channel is off (its webhook answers 404).</summary>
public sealed class LineOptions
{
    public const string Section = "Line";

    public string? ChannelSecret { get; set; }

    public string? ChannelAccessToken { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.line.me";

    /// <summary>How long after the webhook a reply token is used (LINE: within about a minute); later, push.</summary>
    public TimeSpan ReplyTokenLifetime { get; set; } = TimeSpan.FromSeconds(50);

    /// <summary>A turn still running after this long shows LINE's loading animation.</summary>
    public TimeSpan LoadingAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Timeout of one call to the LINE API.</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(ChannelSecret) && !string.IsNullOrWhiteSpace(ChannelAccessToken);
}

/// <summary>The webhook body: <c>{"destination","events":[…]}</c>; events are read one by one so a bad one is named.</summary>
public sealed class LineWebhook
{
    public string? Destination { get; set; }
    public List<JsonElement>? Events { get; set; }
}

/// <summary>The parts of a webhook event the bot uses (nothing else is stored).</summary>
public sealed class LineEvent
{
    public string? Type { get; set; }
    public string? WebhookEventId { get; set; }
    public long Timestamp { get; set; }
    public string? Mode { get; set; }
    public string? ReplyToken { get; set; }
    public LineSource? Source { get; set; }
    public LineEventMessage? Message { get; set; }
    public LinePostback? Postback { get; set; }
    public LineDeliveryContext? DeliveryContext { get; set; }
}

public sealed class LineSource
{
    public string? Type { get; set; }
    public string? UserId { get; set; }
}

public sealed class LineEventMessage
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? Text { get; set; }
}

public sealed class LinePostback
{
    public string? Data { get; set; }
}

public sealed class LineDeliveryContext
{
    public bool IsRedelivery { get; set; }
}

/// <summary>An event as kept in the inbox: when it came (a reply token's age), to which bot, and the event.</summary>
public sealed class LineInboxItem
{
    public string? Destination { get; set; }
    public long ReceivedAt { get; set; }
    public required LineEvent Event { get; set; }
}

/// <summary>One call's worth of messages (1–5) for a user: by reply token while it is fresh, else by push.</summary>
public sealed class LineSend
{
    /// <summary>The user's pseudonym (a LINE user id in entries written before pseudonyms existed).</summary>
    public required string To { get; set; }

    /// <summary>The LINE user id, when the turn knew it (a reply); else the sender looks it up (a proactive message).</summary>
    public string? Address { get; set; }

    public string? ReplyToken { get; set; }
    public long ReceivedAt { get; set; }

    /// <summary>The <c>X-Line-Retry-Key</c> of the push: the same on every attempt, so LINE answers 409 to a repeat.</summary>
    public required string RetryKey { get; set; }

    public required List<LineMessage> Messages { get; set; }
}

public sealed class LineMessage
{
    public string Type { get; set; } = "text";
    public required string Text { get; set; }
    public LineQuickReply? QuickReply { get; set; }
}

public sealed class LineQuickReply
{
    public required List<LineQuickReplyItem> Items { get; set; }
}

public sealed class LineQuickReplyItem
{
    public string Type { get; set; } = "action";
    public required LineAction Action { get; set; }
}

/// <summary>A message action: tapping it sends <see cref="Text"/> as the user's message.</summary>
public sealed class LineAction
{
    public string Type { get; set; } = "message";
    public required string Label { get; set; }
    public required string Text { get; set; }
}

public sealed record LineReplyRequest(string ReplyToken, List<LineMessage> Messages);

public sealed record LinePushRequest(string To, List<LineMessage> Messages);

public sealed record LineLoadingRequest(string ChatId, int LoadingSeconds);

public sealed class LineProfile
{
    public string? UserId { get; set; }
    public string? Language { get; set; }
}

public sealed class LineError
{
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(LineWebhook))]
[JsonSerializable(typeof(LineEvent))]
[JsonSerializable(typeof(LineInboxItem))]
[JsonSerializable(typeof(LineSend))]
[JsonSerializable(typeof(LineReplyRequest))]
[JsonSerializable(typeof(LinePushRequest))]
[JsonSerializable(typeof(LineLoadingRequest))]
[JsonSerializable(typeof(LineProfile))]
[JsonSerializable(typeof(LineError))]
public sealed partial class LineJson : JsonSerializerContext;
