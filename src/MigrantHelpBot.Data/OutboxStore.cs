using System.Globalization;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>Leases, completes and retries outbox entries.</summary>
public sealed class OutboxStore(Database database) : IOutboxStore
{
    /// <summary>
    /// Leases the oldest due entry of each conversation that has no older pending entry, so a
    /// conversation's messages go out in order even when one waits for a retry.
    /// An entry whose earlier lease ran out (its host died mid-send) counts that as an attempt: the send may have
    /// happened, and senders without an idempotency key (LINE's reply) must know not to try another way.
    /// </summary>
    internal static string LeaseSql(bool skipLocked, string laneFilter) => $"""
        UPDATE outbox SET lease_owner = @owner, lease_until = @until, attempts = attempts + CASE WHEN lease_owner IS NULL THEN 0 ELSE 1 END
        WHERE id IN (
            SELECT o.id FROM outbox o
            WHERE o.status = 'pending' AND o.next_attempt_at <= @now
              AND (o.lease_until IS NULL OR o.lease_until < @now){laneFilter}
              AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.conversation_key = o.conversation_key AND p.status = 'pending' AND p.id < o.id)
            ORDER BY o.id LIMIT @max {(skipLocked ? "FOR UPDATE SKIP LOCKED" : string.Empty)})
          AND status = 'pending' AND (lease_until IS NULL OR lease_until < @now)
        RETURNING id, idempotency_key, channel, conversation_key, payload, attempts
        """;

    public async Task<IReadOnlyList<OutboxEntry>> LeaseDueAsync(string owner, int max, TimeSpan lease, CancellationToken cancellationToken, OutboxLane? lane = null)
    {
        var filter = lane is null || lane.Channels.Count == 0 ? string.Empty
            : $" AND o.channel {(lane.Except ? "NOT IN" : "IN")} ({string.Join(", ", lane.Channels.Select((_, i) => "@lane" + i.ToString(CultureInfo.InvariantCulture)))})";
        await database.EnsureReadyAsync(cancellationToken);
        var now = Sql.Now();
        await using var connection = await database.OpenAsync(cancellationToken);
        // Look before leasing: the read takes no write lock, so an idle outbox never contends with
        // the group committer (SQLite has one writer at a time).
        await using (var due = connection.Command(
            $"SELECT 1 FROM outbox o WHERE o.status = 'pending' AND o.next_attempt_at <= @now AND (o.lease_until IS NULL OR o.lease_until < @now){filter} LIMIT 1")
            .With("now", now))
        {
            Bind(due, lane);
            if (await due.ExecuteScalarAsync(cancellationToken) is null) return [];
        }
        await using var command = connection.Command(database.OutboxLeaseSql(filter))
            .With("owner", owner).With("until", now + (long)lease.TotalMilliseconds).With("now", now).With("max", max);
        Bind(command, lane);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<OutboxEntry>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new OutboxEntry(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                reader.GetString(1), reader.GetString(2), reader.GetString(3), database.Cipher.Unprotect(reader.GetString(4), SealedColumns.Outbox)!,
                Convert.ToInt32(reader.GetValue(5), CultureInfo.InvariantCulture)));
        }
        entries.Sort((a, b) => a.Id.CompareTo(b.Id));
        return entries;
    }

    private static void Bind(System.Data.Common.DbCommand command, OutboxLane? lane)
    {
        for (var i = 0; i < (lane?.Channels.Count ?? 0); i++) command.With("lane" + i.ToString(CultureInfo.InvariantCulture), lane!.Channels[i]);
    }

    public async Task MarkSentAsync(long id, CancellationToken cancellationToken)
    {
        // The message text is not kept once delivered: the outbox is a queue, not an archive.
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE outbox SET status = 'sent', sent_at = @now, attempts = attempts + 1, payload = '', lease_owner = NULL, lease_until = NULL WHERE id = @id")
            .With("now", Sql.Now()).With("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task MarkAttemptFailedAsync(long id, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            UPDATE outbox SET attempts = attempts + 1, last_error = @error, lease_owner = NULL, lease_until = NULL,
                status = @status, next_attempt_at = @next
            WHERE id = @id
            """)
            .With("error", error.Length > 1000 ? error[..1000] : error)
            .With("status", retryAt is null ? "failed" : "pending")
            .With("next", retryAt?.ToUnixTimeMilliseconds() ?? Sql.Now())
            .With("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<OutboxStatus?> GetStatusAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT status FROM outbox WHERE idempotency_key = @key").With("key", idempotencyKey);
        return await command.ExecuteScalarAsync(cancellationToken) switch
        {
            "pending" => OutboxStatus.Pending,
            "sent" => OutboxStatus.Sent,
            "failed" => OutboxStatus.Failed,
            _ => null,
        };
    }
}
