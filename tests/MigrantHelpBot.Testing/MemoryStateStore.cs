using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Testing;

/// <summary>An in-memory <see cref="IStateStore"/> for unit tests, with the same eTag rules as the real engines (the contract suite proves it).</summary>
public sealed class MemoryStateStore : IStateStore, IActivityLogReader
{
    private readonly object _gate = new();
    private readonly Dictionary<string, StoreItem> _items = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LoggedActivity>> _logs = new(StringComparer.Ordinal);

    public List<OutboxMessage> Outbox { get; } = [];

    public List<DomainEvent> Events { get; } = [];

    public int Commits { get; private set; }

    public Task<StoreItem?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        lock (_gate) return Task.FromResult(_items.GetValueOrDefault(key));
    }

    public Task CommitAsync(StateCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        lock (_gate)
        {
            foreach (var write in commit.Writes)
            {
                var exists = _items.TryGetValue(write.Key, out var current);
                var ok = write.ExpectedETag switch
                {
                    StateWrite.AnyETag => true,
                    null => write.Json is null || !exists,
                    var expected => exists && current!.ETag == expected,
                };
                if (!ok) throw new ETagConflictException(write.Key);
            }
            foreach (var write in commit.Writes)
            {
                if (write.Json is null) _items.Remove(write.Key);
                else _items[write.Key] = new StoreItem(write.Key, write.Json, write.NewETag);
            }
            foreach (var key in commit.Erasures)
            {
                _logs.Remove(key);
                Events.RemoveAll(e => e.ConversationKey == key);
            }
            foreach (var append in commit.LogAppends)
            {
                if (!_logs.TryGetValue(append.ConversationKey, out var log)) _logs[append.ConversationKey] = log = [];
                append.Seq = log.Count + 1;
                log.Add(new LoggedActivity(append.Seq, append.ActivityJson));
            }
            foreach (var message in commit.Outbox)
            {
                if (!Outbox.Any(m => m.IdempotencyKey == message.IdempotencyKey)) Outbox.Add(message);
            }
            Events.AddRange(commit.Events);
            Commits++;
        }
        return Task.CompletedTask;
    }

    public Task<bool> PingAsync(CancellationToken cancellationToken) => Task.FromResult(true);

    public Task<IReadOnlyList<LoggedActivity>> ReadAsync(string conversationKey, long afterSeq, int max, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<LoggedActivity> result = _logs.TryGetValue(conversationKey, out var log)
                ? [.. log.Where(a => a.Seq > afterSeq).Take(max)]
                : [];
            return Task.FromResult(result);
        }
    }
}
