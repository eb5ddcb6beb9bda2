using System.Data.Common;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>
/// Applies one turn's <see cref="StateCommit"/> inside a writer's transaction. The same SQL runs on
/// both engines. Commands are cached per writer connection and reused with new values.
/// </summary>
internal sealed class CommitApplier(DbConnection connection, FieldCipher cipher) : IAsyncDisposable
{
    private const string InsertState =
        "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (@key, @etag, @data, @now) ON CONFLICT (key) DO NOTHING";
    private const string UpsertState =
        "INSERT INTO bot_state (key, etag, data, updated_at) VALUES (@key, @etag, @data, @now) "
        + "ON CONFLICT (key) DO UPDATE SET etag = excluded.etag, data = excluded.data, updated_at = excluded.updated_at";
    private const string UpdateState =
        "UPDATE bot_state SET etag = @etag, data = @data, updated_at = @now WHERE key = @key AND etag = @expected";
    private const string DeleteState = "DELETE FROM bot_state WHERE key = @key AND etag = @expected";
    private const string DeleteStateAny = "DELETE FROM bot_state WHERE key = @key";
    private const string NextSeq =
        "INSERT INTO activity_log_seq (conversation_key, last_seq) VALUES (@key, @count) "
        + "ON CONFLICT (conversation_key) DO UPDATE SET last_seq = activity_log_seq.last_seq + excluded.last_seq RETURNING last_seq";
    private const string InsertLog =
        "INSERT INTO activity_log (conversation_key, seq, activity, created_at) VALUES (@key, @seq, @activity, @now)";
    internal const string InsertOutbox =
        "INSERT INTO outbox (idempotency_key, channel, conversation_key, payload, status, attempts, next_attempt_at, created_at) "
        + "VALUES (@ikey, @channel, @key, @payload, 'pending', 0, @now, @now) ON CONFLICT (idempotency_key) DO NOTHING";

    private const string EraseLog = "DELETE FROM activity_log WHERE conversation_key = @key";
    private const string EraseEvents = "DELETE FROM domain_events WHERE conversation_key = @key";
    private const string InsertEvent =
        "INSERT INTO domain_events (kind, conversation_key, payload, created_at) VALUES (@kind, @key, @payload, @now)";

    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);

    /// <summary>Applies <paramref name="commit"/>; returns the key whose eTag did not match, or null.</summary>
    public async Task<string?> ApplyAsync(StateCommit commit, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var now = Sql.Now();
        foreach (var write in commit.Writes)
        {
            DbCommand command;
            if (write.Json is null)
            {
                command = write.ExpectedETag is null or StateWrite.AnyETag
                    ? Get(DeleteStateAny, transaction, "key")
                    : Get(DeleteState, transaction, "key", "expected");
                if (command.Parameters.Contains("expected")) command.Set("expected", write.ExpectedETag);
            }
            else if (write.ExpectedETag is null)
            {
                command = Get(InsertState, transaction, "key", "etag", "data", "now");
            }
            else if (write.ExpectedETag == StateWrite.AnyETag)
            {
                command = Get(UpsertState, transaction, "key", "etag", "data", "now");
            }
            else
            {
                command = Get(UpdateState, transaction, "key", "etag", "data", "now", "expected");
                command.Set("expected", write.ExpectedETag);
            }

            command.Set("key", write.Key);
            if (write.Json is not null)
            {
                command.Set("etag", write.NewETag);
                command.Set("data", cipher.Protect(write.Json, SealedColumns.State));
                command.Set("now", now);
            }

            var rows = await command.ExecuteNonQueryAsync(cancellationToken);
            var mustChange = write.Json is not null || write.ExpectedETag is not (null or StateWrite.AnyETag);
            if (rows == 0 && mustChange) return write.Key;
        }

        foreach (var key in commit.Erasures)
        {
            // The log's sequence stays: a client polling with its watermark must still see what comes next (the goodbye).
            foreach (var sql in new[] { EraseLog, EraseEvents })
            {
                var erase = Get(sql, transaction, "key");
                erase.Set("key", key);
                await erase.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        foreach (var group in commit.LogAppends.GroupBy(a => a.ConversationKey, StringComparer.Ordinal))
        {
            var appends = group.ToList();
            var next = Get(NextSeq, transaction, "key", "count");
            next.Set("key", group.Key);
            next.Set("count", (long)appends.Count);
            var last = Convert.ToInt64(await next.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);

            var insert = Get(InsertLog, transaction, "key", "seq", "activity", "now");
            var seq = last - appends.Count;
            foreach (var append in appends)
            {
                append.Seq = ++seq;
                insert.Set("key", group.Key);
                insert.Set("seq", append.Seq);
                insert.Set("activity", cipher.Protect(append.ActivityJson, SealedColumns.Activity));
                insert.Set("now", now);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        foreach (var message in commit.Outbox)
        {
            var insert = Get(InsertOutbox, transaction, "ikey", "channel", "key", "payload", "now");
            insert.Set("ikey", message.IdempotencyKey);
            insert.Set("channel", message.Channel);
            insert.Set("key", message.ConversationKey);
            insert.Set("payload", cipher.Protect(message.Payload, SealedColumns.Outbox));
            insert.Set("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var domainEvent in commit.Events)
        {
            var insert = Get(InsertEvent, transaction, "kind", "key", "payload", "now");
            insert.Set("kind", domainEvent.Kind);
            insert.Set("key", domainEvent.ConversationKey);
            insert.Set("payload", cipher.Protect(domainEvent.Payload, SealedColumns.Event));
            insert.Set("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        return null;
    }

    private DbCommand Get(string sql, DbTransaction transaction, params string[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.Command(sql);
            foreach (var name in parameters) command.With(name, null);
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        return command;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands.Values) await command.DisposeAsync();
        _commands.Clear();
    }
}
