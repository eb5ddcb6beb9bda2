using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Data;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>A fresh database of one engine with the stores on it.</summary>
internal sealed class Stores : IAsyncDisposable
{
    private Stores(TestDatabase database, Database engine)
    {
        Database = database;
        Engine = engine;
        State = new SqlStateStore(engine, maxBatch: 256, NullLogger<SqlStateStore>.Instance);
        Outbox = new OutboxStore(engine);
    }

    public TestDatabase Database { get; }
    public Database Engine { get; }
    public SqlStateStore State { get; }
    public OutboxStore Outbox { get; }

    public static async Task<Stores> CreateAsync(Engine engine)
    {
        var database = await TestDatabase.CreateAsync(engine);
        return new Stores(database, database.Open());
    }

    /// <summary>A second, independent set of stores on the same database (another replica, or a restart).</summary>
    public Stores Reopen() => new(Database, Database.Open());

    public async Task<long> CountAsync(string table)
    {
        await Engine.EnsureReadyAsync(CancellationToken.None);
        await using var connection = await Engine.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {table}";
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await State.DisposeAsync();
        await Engine.DisposeAsync();
        await Database.DisposeAsync();
    }

    /// <summary>Disposes only this replica's stores, leaving the database for others.</summary>
    public async ValueTask CloseAsync()
    {
        await State.DisposeAsync();
        await Engine.DisposeAsync();
    }
}

internal static class Commits
{
    public static StateCommit Write(string key, string? expected, string? json, string newETag)
    {
        var commit = new StateCommit();
        commit.Writes.Add(new StateWrite(key, expected, json, newETag));
        return commit;
    }
}
