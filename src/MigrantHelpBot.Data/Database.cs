using System.Data.Common;

namespace MigrantHelpBot.Data;

/// <summary>
/// One engine (SQLite or PostgreSQL): how to connect, and the few statements whose SQL differs.
/// Every other statement in this project is written once, for both.
/// </summary>
public abstract class Database : IAsyncDisposable
{
    private readonly object _gate = new();
    private Task? _ready;

    public abstract StorageProvider Provider { get; }

    /// <summary>Seals personal data at rest (<see cref="SealedColumns"/>); every store reads and writes those columns through it.</summary>
    public FieldCipher Cipher { get; init; } = FieldCipher.ProcessDefault;

    /// <summary>Turns the platform accounts of LINE and Messenger users into the pseudonyms every key holds (<see cref="Data.Pseudonyms"/>).</summary>
    public Pseudonyms Pseudonyms { get; init; } = Pseudonyms.ProcessDefault;

    /// <summary>Parallel group-commit writers this engine supports.</summary>
    internal abstract int Writers { get; }

    /// <summary>Opens a (pooled) connection. Callers dispose it.</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Opens the connection a group-commit writer uses for its batches.</summary>
    internal abstract ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken);

    /// <summary>True when a writer may keep its connection open between batches.</summary>
    internal abstract bool KeepsWriterOpen { get; }

    internal abstract string MigrationSql(Migration migration);

    /// <summary>Serialises migrations across replicas that start at once.</summary>
    internal abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>Runs once on the migration connection before anything else.</summary>
    internal virtual Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Picks due outbox entries and leases them, as one statement (see <see cref="OutboxStore"/>).</summary>
    internal abstract string OutboxLeaseSql(string laneFilter);

    /// <summary>
    /// After values were overwritten or deleted for privacy: removes their old copies from disk where this process can
    /// (SQLite: a WAL checkpoint that truncates the log; PostgreSQL leaves dead rows to autovacuum).
    /// </summary>
    internal virtual Task ScrubAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs pending migrations once; a failure (database down) is retried on the next call.</summary>
    public Task EnsureReadyAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled) _ready = new Migrator(this).MigrateAsync(CancellationToken.None);
            return _ready.WaitAsync(cancellationToken);
        }
    }

    public abstract ValueTask DisposeAsync();
}
