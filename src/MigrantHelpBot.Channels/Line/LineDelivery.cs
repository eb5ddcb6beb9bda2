using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
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
public sealed class LineDelivery(OutboxSignal signal) : OutboxDelivery(signal)
{
    public const string Channel = "line";
    public const int MaxMessagesPerCall = 5;

    /// <summary>Text ≤ 5,000 UTF-16 units; ≤ 13 quick replies, labels ≤ 20 characters, action texts ≤ 300.</summary>
    public static readonly TextLimits Limits = new(5000, 13, 20, 300);

    public override void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var to = inbound.Conversation?.Id;
        if (string.IsNullOrEmpty(to)) return;
        var parts = OutgoingText.Parts(outgoing, Limits).ToList();
        var messages = parts.Select(p => new LineMessage
        {
            Text = p.Text,
            QuickReply = p.Buttons is null ? null : new LineQuickReply
            {
                Items = [.. p.Buttons.Select(b => new LineQuickReplyItem { Action = new LineAction { Label = b.Label, Text = b.Value } })],
            },
        }).ToList();
        if (messages.Count == 0) return;

        var reply = inbound.ChannelData is { ValueKind: JsonValueKind.Object } data ? data.Deserialize(LineDeliveryJson.Default.LineReplyContext) : null;
        var conversationKey = StateKeys.Conversation(inbound);
        for (var i = 0; i * MaxMessagesPerCall < messages.Count; i++)
        {
            var send = new LineSend
            {
                To = to,
                Address = PlatformAddress.Of(inbound),
                ReplyToken = i == 0 ? reply?.ReplyToken : null,
                ReceivedAt = reply?.ReceivedAt ?? 0,
                RetryKey = Guid.NewGuid().ToString(),
                Messages = [.. messages.Skip(i * MaxMessagesPerCall).Take(MaxMessagesPerCall)],
            };
            commit.Outbox.Add(new OutboxMessage($"{Channel}:{parts[0].Activity.Id}:{i}", Channel, conversationKey, JsonSerializer.Serialize(send, LineJson.Default.LineSend)));
        }
    }
}
