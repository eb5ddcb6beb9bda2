using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Line;

/// <summary>The reply token of the event a turn answers, and when it came.</summary>
public sealed record LineReplyContext(string ReplyToken, long ReceivedAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(LineReplyContext))]
internal sealed partial class LineDeliveryJson : JsonSerializerContext;

/// <summary>
/// A turn's messages as LINE messages, in the turn's commit: text split at 5,000 UTF-16 units, the
/// suggested actions as quick replies (≤ 13, labels ≤ 20 characters) on the last message, ≤ 5 messages
/// per outbox entry. The first entry carries the event's reply token (free); the others, and
/// proactive messages, are pushed.
/// </summary>
public sealed class LineDelivery(OutboxSignal signal) : ITurnDelivery
{
    public const string Channel = "line";
    public const int MaxTextLength = 5000;
    public const int MaxMessagesPerCall = 5;
    public const int MaxQuickReplies = 13;
    public const int MaxLabelLength = 20;
    public const int MaxActionTextLength = 300;

    public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var to = inbound.Conversation?.Id;
        if (string.IsNullOrEmpty(to)) return;
        var messages = new List<LineMessage>();
        string? firstId = null;
        foreach (var activity in outgoing.Where(a => a.Type == ActivityTypes.Message))
        {
            activity.Id ??= Guid.NewGuid().ToString("N");
            firstId ??= activity.Id;
            messages.AddRange(ToMessages(activity));
        }
        if (messages.Count == 0) return;

        var reply = inbound.ChannelData is { ValueKind: JsonValueKind.Object } data ? data.Deserialize(LineDeliveryJson.Default.LineReplyContext) : null;
        var conversationKey = StateKeys.Conversation(inbound);
        for (var i = 0; i * MaxMessagesPerCall < messages.Count; i++)
        {
            var send = new LineSend
            {
                To = to,
                ReplyToken = i == 0 ? reply?.ReplyToken : null,
                ReceivedAt = reply?.ReceivedAt ?? 0,
                RetryKey = Guid.NewGuid().ToString(),
                Messages = [.. messages.Skip(i * MaxMessagesPerCall).Take(MaxMessagesPerCall)],
            };
            commit.Outbox.Add(new OutboxMessage($"{Channel}:{firstId}:{i}", Channel, conversationKey, JsonSerializer.Serialize(send, LineJson.Default.LineSend)));
        }
    }

    public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.Outbox.Count > 0) signal.Notify();
    }

    internal static IEnumerable<LineMessage> ToMessages(Activity activity)
    {
        var buttons = activity.SuggestedActions?.Actions?.Take(MaxQuickReplies).Select(OutgoingText.Button).ToList() ?? [];
        var text = activity.Text ?? string.Empty;
        if (text.Trim().Length == 0 && buttons.Count == 0) yield break;
        var parts = OutgoingText.Split(text.Trim().Length == 0 ? "…" : text, MaxTextLength);
        for (var i = 0; i < parts.Count; i++)
        {
            var message = new LineMessage { Text = parts[i] };
            if (i == parts.Count - 1 && buttons.Count > 0)
            {
                message.QuickReply = new LineQuickReply
                {
                    Items = [.. buttons.Select(b => new LineQuickReplyItem
                    {
                        Action = new LineAction { Label = OutgoingText.Label(b.Title, MaxLabelLength), Text = b.Value.Length > MaxActionTextLength ? b.Value[..MaxActionTextLength] : b.Value },
                    })],
                };
            }
            yield return message;
        }
    }
}
