using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Outbox;

namespace MigrantHelpBot.Channels.Connector;

/// <summary>
/// Delivery to a Bot Framework channel: each reply becomes an outbox entry in the turn's commit, and
/// the connector sender POSTs it to <c>{serviceUrl}/v3/conversations/{id}/activities[/{replyToId}]</c>.
/// </summary>
public sealed class ConnectorDelivery(OutboxSignal signal) : OutboxDelivery(signal)
{
    public const string Channel = "connector";

    public override void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(commit);
        var conversationKey = StateKeys.Conversation(inbound);
        foreach (var activity in outgoing)
        {
            if (activity.Type == ActivityTypes.InvokeResponse) continue; // answered in the HTTP response
            activity.Id ??= Guid.NewGuid().ToString("N");
            var payload = new ConnectorPayload
            {
                ServiceUrl = activity.ServiceUrl ?? inbound.ServiceUrl ?? string.Empty,
                ConversationId = activity.Conversation?.Id ?? inbound.Conversation?.Id ?? string.Empty,
                Activity = activity,
            };
            commit.Outbox.Add(new OutboxMessage(
                $"{Channel}:{activity.Id}", Channel, conversationKey, JsonSerializer.Serialize(payload, ConnectorJsonContext.Default.ConnectorPayload)));
        }
    }
}

/// <summary>Delivery for <c>deliveryMode: expectReplies</c>: the replies go back in the HTTP response.</summary>
public sealed class ExpectRepliesDelivery : ITurnDelivery
{
    public static readonly ExpectRepliesDelivery Instance = new();

    public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        foreach (var activity in outgoing) activity.Id ??= Guid.NewGuid().ToString("N");
    }

    public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
    {
    }
}
