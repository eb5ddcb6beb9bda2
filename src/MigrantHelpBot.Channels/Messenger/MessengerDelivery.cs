using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Channels.Webhooks;

namespace MigrantHelpBot.Channels.Messenger;

/// <summary>
/// A turn's messages as Send API calls, in the turn's commit: text split at 2,000 characters, the
/// suggested actions as quick replies (≤ 13, titles ≤ 20 characters, the full value as payload) on the
/// last part. An activity with <c>channelData.humanAgent</c> was written by a person (a staff reply).
/// </summary>
public sealed class MessengerDelivery(OutboxSignal signal) : ITurnDelivery
{
    public const string Channel = "messenger";
    public const int MaxTextLength = 2000;
    public const int MaxQuickReplies = 13;
    public const int MaxTitleLength = 20;
    public const int MaxPayloadLength = 1000;

    public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var to = inbound.Conversation?.Id;
        if (string.IsNullOrEmpty(to)) return;
        var conversationKey = StateKeys.Conversation(inbound);
        foreach (var activity in outgoing.Where(a => a.Type == ActivityTypes.Message))
        {
            activity.Id ??= Guid.NewGuid().ToString("N");
            var human = activity.ChannelData is { ValueKind: JsonValueKind.Object } data && data.TryGetProperty("humanAgent", out var flag) && flag.ValueKind == JsonValueKind.True;
            var buttons = activity.SuggestedActions?.Actions?.Take(MaxQuickReplies).Select(OutgoingText.Button).ToList() ?? [];
            var text = activity.Text ?? string.Empty;
            if (text.Trim().Length == 0 && buttons.Count == 0) continue;
            var parts = OutgoingText.Split(text.Trim().Length == 0 ? "…" : text, MaxTextLength);
            for (var i = 0; i < parts.Count; i++)
            {
                var send = new MessengerSend
                {
                    RecipientId = to,
                    Text = parts[i],
                    HumanAgent = human,
                    QuickReplies = i == parts.Count - 1 && buttons.Count > 0
                        ? [.. buttons.Select(b => new MessengerQuickReply { Title = OutgoingText.Label(b.Title, MaxTitleLength), Payload = b.Value.Length > MaxPayloadLength ? b.Value[..MaxPayloadLength] : b.Value })]
                        : null,
                };
                commit.Outbox.Add(new OutboxMessage($"{Channel}:{activity.Id}:{i}", Channel, conversationKey, JsonSerializer.Serialize(send, MessengerJson.Default.MessengerSend)));
            }
        }
    }

    public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.Outbox.Count > 0) signal.Notify();
    }
}
