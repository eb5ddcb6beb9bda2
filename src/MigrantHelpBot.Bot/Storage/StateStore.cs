namespace MigrantHelpBot.Bot.Storage;

/// <summary>A stored value with the eTag it was written with.</summary>
public sealed record StoreItem(string Key, string Json, string ETag);

/// <summary>
/// Durable state with optimistic concurrency. A commit applies its state writes, activity-log
/// appends and outbox messages in one transaction, or none of them.
/// </summary>
public interface IStateStore
{
    /// <summary>The current value, or null if the key does not exist.</summary>
    Task<StoreItem?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="commit"/> atomically.</summary>
    /// <exception cref="ETagConflictException">A write's expected eTag did not match; nothing was applied.</exception>
    /// <exception cref="StorageUnavailableException">The database could not be reached; nothing is known to be applied.</exception>
    Task CommitAsync(StateCommit commit, CancellationToken cancellationToken);

    /// <summary>True when the database answers.</summary>
    Task<bool> PingAsync(CancellationToken cancellationToken);
}

/// <summary>Everything one turn writes.</summary>
public sealed class StateCommit
{
    public List<StateWrite> Writes { get; } = [];

    /// <summary>Activities appended to a conversation's log (the Direct Line transcript).</summary>
    public List<LogAppend> LogAppends { get; } = [];

    /// <summary>Messages for a channel sender to deliver after the commit.</summary>
    public List<OutboxMessage> Outbox { get; } = [];

    /// <summary>Facts other parts of the service act on (a case intake, a handoff request), kept with the turn that produced them.</summary>
    public List<DomainEvent> Events { get; } = [];

    /// <summary>Conversations whose activity log and events are deleted (a worker's "delete my data"), before this commit's own appends.</summary>
    public List<string> Erasures { get; } = [];

    public bool IsEmpty => Writes.Count == 0 && LogAppends.Count == 0 && Outbox.Count == 0 && Events.Count == 0 && Erasures.Count == 0;
}

/// <summary>
/// Writes <see cref="Json"/> under <see cref="Key"/> if the stored eTag equals <see cref="ExpectedETag"/>.
/// ExpectedETag null means the key must not exist yet; "*" means any. Json null deletes the key.
/// </summary>
public sealed record StateWrite(string Key, string? ExpectedETag, string? Json, string NewETag)
{
    public const string AnyETag = "*";
}

/// <summary>An activity appended to a conversation's log; <see cref="Seq"/> is assigned by the commit.</summary>
public sealed class LogAppend(string conversationKey, string activityJson)
{
    public string ConversationKey { get; } = conversationKey;
    public string ActivityJson { get; } = activityJson;
    public long Seq { get; set; }
}

/// <summary>
/// An outbound message waiting for its channel sender. The idempotency key makes a message that is
/// committed twice (a retried request) land once.
/// </summary>
public sealed record OutboxMessage(string IdempotencyKey, string Channel, string ConversationKey, string Payload);

/// <summary>Something that happened in a conversation that another part of the service handles (its kind names it, e.g. <c>case.intake</c>).</summary>
public sealed record DomainEvent(string Kind, string ConversationKey, string Payload);

public sealed class ETagConflictException(string key)
    : Exception($"The stored eTag of '{key}' changed since it was read.")
{
    public string Key { get; } = key;
}

public sealed class StorageUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
