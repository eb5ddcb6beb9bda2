using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Channels.Outbox;

public enum SendOutcome
{
    /// <summary>The channel accepted the message.</summary>
    Delivered,

    /// <summary>A transient failure (timeout, 429, 5xx, open circuit): try again later.</summary>
    RetryLater,

    /// <summary>The channel refused the message for good (a 4xx): record it, do not retry.</summary>
    Rejected,
}

public sealed record SendResult(SendOutcome Outcome, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static readonly SendResult Delivered = new(SendOutcome.Delivered);
}

/// <summary>Delivers outbox entries of one channel to that channel's API.</summary>
public interface IOutboxSender
{
    string Channel { get; }

    /// <summary>True for a durable inbox (inbound events whose "sending" runs a turn): leased apart from replies, so a backlog of one never holds up the other.</summary>
    bool RunsTurns => false;

    Task<SendResult> SendAsync(OutboxEntry entry, CancellationToken cancellationToken);
}

/// <summary>Told when an entry failed for good (rejected, or out of attempts), e.g. to show it on a case.</summary>
public interface IOutboxFailureObserver
{
    Task OnFailedAsync(OutboxEntry entry, string error, CancellationToken cancellationToken);
}

/// <summary>Wakes the dispatcher when a commit added outbox entries, so they go out at once.</summary>
public sealed class OutboxSignal : Bot.WakeSignal;

/// <summary>Wakes the dispatcher's turn lane when a webhook stored inbound events.</summary>
public sealed class InboxSignal : Bot.WakeSignal;

/// <summary>A channel whose replies go through the outbox: <see cref="Stage"/> adds the entries to the turn's commit; the dispatcher is woken once they are in.</summary>
public abstract class OutboxDelivery(OutboxSignal signal) : Bot.Turns.ITurnDelivery
{
    public abstract void Stage(Bot.Schema.Activity inbound, IReadOnlyList<Bot.Schema.Activity> outgoing, StateCommit commit);

    public void Committed(Bot.Schema.Activity inbound, IReadOnlyList<Bot.Schema.Activity> outgoing, StateCommit commit)
    {
        ArgumentNullException.ThrowIfNull(commit);
        if (commit.Outbox.Count > 0) signal.Notify();
    }
}

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);
    public int BatchSize { get; set; } = 64;
    public int Parallelism { get; set; } = 16;

    /// <summary>Attempts before a message that keeps failing transiently is given up and recorded as failed.</summary>
    public int MaxAttempts { get; set; } = 40;

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(10);
}
