using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Channels.Outbox;

/// <summary>
/// Sends committed outbox entries through their channel's sender. Entries are leased, so replicas
/// share the work; the oldest pending entry of a conversation goes first; transient failures wait
/// with exponential backoff (or the channel's Retry-After), permanent ones are recorded as failed.
/// Two lanes lease apart: inbound events (their turns) and everything that is sent, so neither a
/// backlog of turns nor a slow channel API holds up the other.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IOutboxStore store,
    IEnumerable<IOutboxSender> senders,
    IEnumerable<IOutboxFailureObserver> observers,
    OutboxSignal signal,
    InboxSignal inboxSignal,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, IOutboxSender> _senders = senders.ToDictionary(s => s.Channel, StringComparer.Ordinal);
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var turns = new OutboxLane([.. _senders.Values.Where(s => s.RunsTurns).Select(s => s.Channel)]);
        return turns.Channels.Count == 0
            ? RunLaneAsync(null, signal, stoppingToken)
            : Task.WhenAll(RunLaneAsync(turns, inboxSignal, stoppingToken), RunLaneAsync(turns with { Except = true }, signal, stoppingToken));
    }

    private async Task RunLaneAsync(OutboxLane? lane, Bot.WakeSignal wake, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            IReadOnlyList<OutboxEntry> due;
            try
            {
                due = await store.LeaseDueAsync(_owner, settings.BatchSize, settings.Lease, stoppingToken, lane);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogLeaseFailed(exception);
                await Delay(settings.PollInterval, stoppingToken);
                continue;
            }

            if (due.Count == 0)
            {
                try
                {
                    await wake.WaitAsync(settings.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }

            await Parallel.ForEachAsync(
                due,
                new ParallelOptions { MaxDegreeOfParallelism = settings.Parallelism, CancellationToken = CancellationToken.None },
                (entry, _) => new ValueTask(SendOneAsync(entry, stoppingToken)));
        }
    }

    private async Task SendOneAsync(OutboxEntry entry, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        SendResult result;
        if (!_senders.TryGetValue(entry.Channel, out var sender))
        {
            result = new SendResult(SendOutcome.Rejected, $"No sender is registered for channel '{entry.Channel}'.");
        }
        else
        {
            try
            {
                result = await sender.SendAsync(entry, stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                result = new SendResult(SendOutcome.RetryLater, exception.GetType().Name);
            }
            catch (OperationCanceledException)
            {
                return; // shutting down: the lease runs out and another sender picks it up
            }
        }

        try
        {
            switch (result.Outcome)
            {
                case SendOutcome.Delivered:
                    await store.MarkSentAsync(entry.Id, CancellationToken.None);
                    break;
                case SendOutcome.Rejected:
                    LogRejected(entry.Channel, entry.Id, result.Error);
                    await store.MarkAttemptFailedAsync(entry.Id, result.Error ?? "rejected", null, CancellationToken.None);
                    await FailedAsync(entry, result.Error ?? "rejected");
                    break;
                default:
                    var attempts = entry.Attempts + 1;
                    DateTimeOffset? retryAt = attempts >= settings.MaxAttempts ? null : clock.GetUtcNow() + Backoff(attempts, result.RetryAfter, settings.MaxBackoff);
                    LogRetry(entry.Channel, entry.Id, attempts, result.Error);
                    await store.MarkAttemptFailedAsync(entry.Id, result.Error ?? "transient failure", retryAt, CancellationToken.None);
                    if (retryAt is null) await FailedAsync(entry, result.Error ?? "transient failure");
                    break;
            }
        }
        catch (Exception exception)
        {
            // The lease runs out and the entry is tried again: a possible resend, never a loss.
            LogMarkFailed(exception, entry.Id);
        }
    }

    private async Task FailedAsync(OutboxEntry entry, string error)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.OnFailedAsync(entry, error, CancellationToken.None);
            }
            catch (Exception exception)
            {
                LogObserverFailed(exception, entry.Id);
            }
        }
    }

    internal static TimeSpan Backoff(int attempts, TimeSpan? retryAfter, TimeSpan max)
    {
        var exponential = TimeSpan.FromSeconds(Math.Min(max.TotalSeconds, Math.Pow(2, Math.Min(attempts, 20))));
        var jitter = TimeSpan.FromMilliseconds(Random.Shared.Next(0, 1000));
        var wait = retryAfter is { } ra && ra > exponential ? ra : exponential + jitter;
        return wait > max ? max : wait;
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not lease outbox entries; retrying.")]
    private partial void LogLeaseFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Channel {Channel} rejected outbox entry {Id} for good: {Error}.")]
    private partial void LogRejected(string channel, long id, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox entry {Id} for {Channel} failed (attempt {Attempts}): {Error}; will retry.")]
    private partial void LogRetry(string channel, long id, int attempts, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not report the failure of outbox entry {Id}.")]
    private partial void LogObserverFailed(Exception exception, long id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the outcome of outbox entry {Id}; it will be retried when its lease ends.")]
    private partial void LogMarkFailed(Exception exception, long id);
}
