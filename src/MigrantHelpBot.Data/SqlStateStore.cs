using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>Turn state, the activity log and outbox writes on SQLite or PostgreSQL.</summary>
public sealed class SqlStateStore : IStateStore, IActivityLogReader, IAsyncDisposable
{
    private readonly Database _database;
    private readonly GroupCommitter _committer;

    public SqlStateStore(Database database, int maxBatch, ILogger<SqlStateStore> logger)
    {
        _database = database;
        _committer = new GroupCommitter(database, maxBatch, logger);
    }

    public async Task<StoreItem?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        return await Guard(async () =>
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = connection.Command("SELECT data, etag FROM bot_state WHERE key = @key").With("key", key);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            return await reader.ReadAsync(cancellationToken) ? new StoreItem(key, _database.Cipher.Unprotect(reader.GetString(0), SealedColumns.State)!, reader.GetString(1)) : null;
        }, cancellationToken);
    }

    public Task CommitAsync(StateCommit commit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commit);
        return commit.IsEmpty ? Task.CompletedTask : _committer.CommitAsync(commit).WaitAsync(cancellationToken);
    }

    public async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _database.EnsureReadyAsync(cancellationToken);
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = connection.Command("SELECT COUNT(*) FROM schema_migrations");
            await command.ExecuteScalarAsync(cancellationToken);
            return true;
        }
        catch (Exception exception) when (exception is DbException or StorageUnavailableException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<LoggedActivity>> ReadAsync(string conversationKey, long afterSeq, int max, CancellationToken cancellationToken)
    {
        return await Guard(async () =>
        {
            await using var connection = await _database.OpenAsync(cancellationToken);
            await using var command = connection.Command(
                "SELECT seq, activity FROM activity_log WHERE conversation_key = @key AND seq > @after ORDER BY seq LIMIT @max")
                .With("key", conversationKey).With("after", afterSeq).With("max", max);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = new List<LoggedActivity>();
            while (await reader.ReadAsync(cancellationToken))
            {
                result.Add(new LoggedActivity(Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), _database.Cipher.Unprotect(reader.GetString(1), SealedColumns.Activity)!));
            }
            return (IReadOnlyList<LoggedActivity>)result;
        }, cancellationToken);
    }

    /// <summary>Runs a read after the schema is ready, turning driver errors into <see cref="StorageUnavailableException"/>.</summary>
    internal async Task<T> Guard<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            await _database.EnsureReadyAsync(cancellationToken);
            return await read();
        }
        catch (Exception exception) when (exception is DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StorageUnavailableException("The database is not reachable.", exception);
        }
    }

    public ValueTask DisposeAsync() => _committer.DisposeAsync();
}
