using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace MigrantHelpBot.Data;

/// <summary>The embedded default: one file, WAL mode, created on first run.</summary>
public sealed class SqliteDatabase : Database
{
    private static readonly Lazy<bool> s_init = new(() => { SQLitePCL.Batteries_V2.Init(); return true; });
    private readonly string _connectionString;
    private readonly string _synchronous;

    /// <param name="basePath">Where a relative file name is rooted (the host's content root); the working directory if null.</param>
    public SqliteDatabase(string connectionString, string synchronous = "Full", string? basePath = null)
    {
        _ = s_init.Value;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.Mode != SqliteOpenMode.Memory && !builder.DataSource.StartsWith("file:", StringComparison.Ordinal) && builder.DataSource != ":memory:")
        {
            var fullPath = basePath is null ? Path.GetFullPath(builder.DataSource) : Path.GetFullPath(builder.DataSource, basePath);
            Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
            builder.DataSource = fullPath;
            FilePath = fullPath;
        }
        _connectionString = builder.ToString();
        _synchronous = synchronous.ToUpperInvariant() switch
        {
            "FULL" => "FULL",
            "NORMAL" => "NORMAL",
            "EXTRA" => "EXTRA",
            _ => throw new ArgumentException($"Storage:SqliteSynchronous must be Full, Normal or Extra, not '{synchronous}'.", nameof(synchronous)),
        };
    }

    /// <summary>The database file, when the store is a file.</summary>
    public string? FilePath { get; }

    public override StorageProvider Provider => StorageProvider.Sqlite;

    internal override int Writers => 1;

    internal override bool KeepsWriterOpen => true;

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            // Another connection's write lock is waited for in milliseconds; without a busy handler
            // Microsoft.Data.Sqlite sleeps 150 ms per retry, and SQLite's own sleeps whole seconds
            // here (see SqliteBusyHandler). If that were the group committer, every turn in flight would stall with it.
            SqliteBusyHandler.Install(connection);
            // What is deleted or overwritten (a worker's erased data, a value resealed under a new key) is zeroed in the file, not left in free pages.
            await using (var secure = connection.Command("PRAGMA secure_delete=ON;"))
            {
                await secure.ExecuteNonQueryAsync(cancellationToken);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal override async ValueTask<DbConnection> OpenWriterAsync(CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken);
        await using var pragma = connection.Command($"PRAGMA journal_mode=WAL; PRAGMA synchronous={_synchronous};");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    internal override string MigrationSql(Migration migration) => migration.Sqlite;

    internal override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is already ours.
        await Task.CompletedTask;
    }

    internal override string OutboxLeaseSql(string laneFilter) => OutboxStore.LeaseSql(skipLocked: false, laneFilter);

    internal override async Task PrepareAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // WAL is a property of the file: set once, outside any transaction, before the schema exists.
        await using var pragma = connection.Command("PRAGMA journal_mode=WAL;");
        await pragma.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Moves the WAL into the database file and empties it, so old page images (values just overwritten) are gone from disk.</summary>
    internal override async Task ScrubAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var checkpoint = connection.Command("PRAGMA wal_checkpoint(TRUNCATE);");
        await checkpoint.ExecuteNonQueryAsync(cancellationToken);
    }

    public override ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        return ValueTask.CompletedTask;
    }
}
