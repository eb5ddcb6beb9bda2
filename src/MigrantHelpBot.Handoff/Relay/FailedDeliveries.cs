using System.Globalization;
using System.Text.RegularExpressions;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Handoff.Relay;

/// <summary>
/// A staff reply or notice that a channel refused for good (a LINE or Graph 4xx, Messenger's window,
/// attempts used up) is shown on the case as not delivered, with the channel's reason.
/// </summary>
internal sealed partial class FailedDeliveries(CaseStore store, HandoffSignal signal) : IOutboxFailureObserver
{
    public async Task OnFailedAsync(OutboxEntry entry, string error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (CaseEvent().Match(entry.IdempotencyKey) is not { Success: true } match) return;
        await store.MarkDeliveryAsync(long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture), "failed", error, cancellationToken);
        signal.Notify();
    }

    [GeneratedRegex(@"case-event-(\d{1,18})-out")]
    private static partial Regex CaseEvent();
}
