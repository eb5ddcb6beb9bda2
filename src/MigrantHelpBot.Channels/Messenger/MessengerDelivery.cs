using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>
/// A turn's messages as Send API calls, in the turn's commit: text split at 2,000 characters, the
/// suggested actions as quick replies (≤ 13, titles ≤ 20 characters, the full value as payload) on the
/// last part. An activity with <c>channelData.humanAgent</c> was written by a person (a staff reply).
/// </summary>
public sealed class MessengerDelivery(OutboxSignal signal) : OutboxDelivery(signal)
{
    public const string Channel = "messenger";
    /// <summary>Text ≤ 2,000 characters; ≤ 13 quick replies, titles ≤ 20 characters, payloads ≤ 1,000.</summary>
    public static readonly TextLimits Limits = new(2000, 13, 20, 1000);

    public override void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var to = inbound.Conversation?.Id;
        if (string.IsNullOrEmpty(to)) return;
        var conversationKey = StateKeys.Conversation(inbound);
        foreach (var part in OutgoingText.Parts(outgoing, Limits))
        {
            var human = part.Activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("humanAgent", out var flag) && flag.ValueKind == JsonValueKind.True;
            var send = new MessengerSend
            {
                RecipientId = to,
                Address = PlatformAddress.Of(inbound),
                Text = part.Text,
                HumanAgent = human,
                QuickReplies = part.Buttons?.Select(b => new MessengerQuickReply { Title = b.Label, Payload = b.Value }).ToList(),
            };
            commit.Outbox.Add(new OutboxMessage($"{Channel}:{part.Activity.Id}:{part.Index}", Channel, conversationKey, JsonSerializer.Serialize(send, MessengerJson.Default.MessengerSend)));
        }
    }
}
