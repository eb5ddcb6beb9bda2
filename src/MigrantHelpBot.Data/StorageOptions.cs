namespace MigrantHelpBot.Data;

public enum StorageProvider { Sqlite, Postgres }

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";
    public const string DefaultSqlite = "Data Source=data/migranthelpbot.db";

    /// <summary><c>Sqlite</c> (embedded, the default) or <c>Postgres</c>.</summary>
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>ADO.NET connection string; for SQLite defaults to a file under ./data.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Most turns committed in one transaction (group commit).</summary>
    public int MaxBatch { get; set; } = 256;

    /// <summary>Parallel committers for PostgreSQL; SQLite always has one writer.</summary>
    public int PostgresWriters { get; set; } = 4;

    /// <summary>SQLite <c>synchronous</c> setting: <c>Full</c> (the default) survives power loss, <c>Normal</c> survives a process crash.</summary>
    public string SqliteSynchronous { get; set; } = "Full";

    public string EffectiveConnectionString =>
        ConnectionString is { Length: > 0 } cs ? cs
        : Provider == StorageProvider.Sqlite ? DefaultSqlite
        : throw new InvalidOperationException("Storage:ConnectionString is required when Storage:Provider is Postgres.");
}
