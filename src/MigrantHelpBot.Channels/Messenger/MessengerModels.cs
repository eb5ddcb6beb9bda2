using System.Text.Json;
using System.Text.Json.Serialization;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>Configuration section <c>Messenger</c>. Without the app secret, verify token and page token the channel is off (404).</summary>
public sealed class MessengerOptions
{
    public const string Section = "Messenger";

    public string? AppSecret { get; set; }

    public string? VerifyToken { get; set; }

    public string? PageAccessToken { get; set; }

    public string GraphApiBaseUrl { get; set; } = "https://graph.facebook.com/v25.0";

    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Messenger's standard window after the user's last message.</summary>
    public TimeSpan ResponseWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a person (not the bot) may still answer with the HUMAN_AGENT tag.</summary>
    public TimeSpan HumanAgentWindow { get; set; } = TimeSpan.FromDays(7);

    public bool Enabled => !string.IsNullOrWhiteSpace(AppSecret) && !string.IsNullOrWhiteSpace(VerifyToken) && !string.IsNullOrWhiteSpace(PageAccessToken);
}

public sealed class MessengerWebhook
{
    [JsonPropertyName("object")] public string? Kind { get; set; }
    public List<MessengerEntry>? Entry { get; set; }
}

public sealed class MessengerEntry
{
    public string? Id { get; set; }
    public long Time { get; set; }
    public List<JsonElement>? Messaging { get; set; }
}

/// <summary>The parts of a messaging event the bot uses (nothing else is stored).</summary>
public sealed class MessagingEvent
{
    public MessengerParty? Sender { get; set; }
    public MessengerParty? Recipient { get; set; }
    public long Timestamp { get; set; }
    public MessengerMessage? Message { get; set; }
    public MessengerPostback? Postback { get; set; }
}

public sealed class MessengerParty
{
    public string? Id { get; set; }
}

public sealed class MessengerMessage
{
    public string? Mid { get; set; }
    public string? Text { get; set; }
    [JsonPropertyName("is_echo")] public bool IsEcho { get; set; }
    [JsonPropertyName("app_id")] public JsonElement? AppId { get; set; }
    [JsonPropertyName("quick_reply")] public MessengerQuickReplyTap? QuickReply { get; set; }
    public List<MessengerAttachment>? Attachments { get; set; }
}

public sealed class MessengerQuickReplyTap
{
    public string? Payload { get; set; }
}

public sealed class MessengerAttachment
{
    public string? Type { get; set; }
}

public sealed class MessengerPostback
{
    public string? Mid { get; set; }
    public string? Title { get; set; }
    public string? Payload { get; set; }
}

public sealed class MessengerInboxItem
{
    public long ReceivedAt { get; set; }
    public required MessagingEvent Event { get; set; }
}

/// <summary>One Send API call: a message for a user, and whether a person (not the bot) wrote it.</summary>
public sealed class MessengerSend
{
    /// <summary>The user's pseudonym (a PSID in entries written before pseudonyms existed).</summary>
    public required string RecipientId { get; set; }

    /// <summary>The PSID, when the turn knew it (a reply); else the sender looks it up (a proactive message).</summary>
    public string? Address { get; set; }

    public required string Text { get; set; }
    public List<MessengerQuickReply>? QuickReplies { get; set; }
    public bool HumanAgent { get; set; }
}

public sealed class MessengerQuickReply
{
    [JsonPropertyName("content_type")] public string ContentType { get; set; } = "text";
    public required string Title { get; set; }
    public required string Payload { get; set; }
}

public sealed class SendApiRequest
{
    public required MessengerParty Recipient { get; set; }
    [JsonPropertyName("messaging_type")] public required string MessagingType { get; set; }
    public string? Tag { get; set; }
    public required SendApiMessage Message { get; set; }
}

public sealed class SendApiMessage
{
    public required string Text { get; set; }
    [JsonPropertyName("quick_replies")] public List<MessengerQuickReply>? QuickReplies { get; set; }
}

public sealed class GraphError
{
    public GraphErrorDetail? Error { get; set; }
}

public sealed class GraphErrorDetail
{
    public string? Message { get; set; }
    public int Code { get; set; }
}

public sealed class MessengerProfile
{
    public string? Locale { get; set; }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessengerWebhook))]
[JsonSerializable(typeof(MessagingEvent))]
[JsonSerializable(typeof(MessengerInboxItem))]
[JsonSerializable(typeof(MessengerSend))]
[JsonSerializable(typeof(SendApiRequest))]
[JsonSerializable(typeof(GraphError))]
[JsonSerializable(typeof(MessengerProfile))]
public sealed partial class MessengerJson : JsonSerializerContext;
