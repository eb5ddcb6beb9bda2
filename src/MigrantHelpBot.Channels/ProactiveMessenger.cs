using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels.Connector;
using MigrantHelpBot.Channels.DirectLine;
using MigrantHelpBot.Channels.Line;
using MigrantHelpBot.Channels.Messenger;

namespace MigrantHelpBot.Channels;

/// <summary>
/// Sends into an existing conversation through its stored conversation reference, on whichever
/// channel the conversation lives (our Direct Line log; LINE, Messenger or a connector serviceUrl through the outbox).
/// </summary>
public sealed class ProactiveMessenger(TurnRunner runner, DirectLineDelivery directLine, ConnectorDelivery connector, LineDelivery line, MessengerDelivery messenger)
{
    public Task<TurnResult> ContinueAsync(ConversationReference reference, BotCallback logic, CancellationToken cancellationToken, string? activityId = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return runner.ContinueConversationAsync(reference, DeliveryFor(reference), logic, cancellationToken, activityId);
    }

    /// <summary>Continues the conversation stored under <paramref name="conversationKey"/>; null if it has no reference.</summary>
    public async Task<TurnResult?> ContinueAsync(string conversationKey, BotCallback logic, CancellationToken cancellationToken, string? activityId = null)
    {
        var reference = await runner.GetConversationReferenceAsync(conversationKey, cancellationToken);
        return reference is null ? null : await ContinueAsync(reference, logic, cancellationToken, activityId);
    }

    private ITurnDelivery DeliveryFor(ConversationReference reference) => reference.ChannelId switch
    {
        LineWebhookApi.Channel => line,
        MessengerWebhookApi.Channel => messenger,
        _ => reference.ServiceUrl == DirectLineDelivery.ServiceUrl ? directLine : connector,
    };
}
