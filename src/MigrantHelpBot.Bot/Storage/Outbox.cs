namespace MigrantHelpBot.Bot.Storage;

/// <summary>An outbox message leased to one sender.</summary>
public sealed record OutboxEntry(long Id, string IdempotencyKey, string Channel, string ConversationKey, string Payload, int Attempts);

public enum OutboxStatus { Pending, Sent, Failed }

/// <summary>
/// A share of the queue that is leased on its own, so that one kind of work cannot hold up another:
/// the entries of <see cref="Channels"/>, or (<see cref="Except"/>) of every other channel.
/// </summary>
public sealed record OutboxLane(IReadOnlyList<string> Channels, bool Except = false);

/// <summary>
/// The durable queue between a committed turn and a channel's API. Entries are leased, so two
/// replicas never send the same entry at the same time; a lease that runs out (a crashed sender)
/// makes the entry due again.
/// </summary>
public interface IOutboxStore
{
    /// <summary>Leases up to <paramref name="max"/> due entries, oldest first; only those of <paramref name="lane"/>'s channels when given.</summary>
    Task<IReadOnlyList<OutboxEntry>> LeaseDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken, OutboxLane? lane = null);

    Task MarkSentAsync(long id, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt; the entry is due again at <paramref name="retryAt"/>, or failed for good when null.</summary>
    Task MarkAttemptFailedAsync(long id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken);

    Task<OutboxStatus?> GetStatusAsync(string idempotencyKey, CancellationToken cancellationToken);
}
