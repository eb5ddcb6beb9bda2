using System.Globalization;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>A committed domain event with its position.</summary>
public sealed record StoredEvent(long Id, string Kind, string ConversationKey, string Payload, DateTimeOffset CreatedAt);

/// <summary>Reads the domain events turns committed (case intakes, handoff requests), for the parts of the service that act on them.</summary>
public sealed class EventStore(Database database)
{
    public Task<IReadOnlyList<StoredEvent>> ReadAsync(string conversationKey, CancellationToken cancellationToken) =>
        QueryAsync("conversation_key = @value0", [conversationKey], int.MaxValue, cancellationToken);

    /// <summary>Events of <paramref name="kind"/> nobody has handled yet, oldest first.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadUnhandledAsync(string kind, int max, CancellationToken cancellationToken) =>
        ReadUnhandledAsync([kind], max, cancellationToken);

    /// <summary>Events of any of <paramref name="kinds"/> nobody has handled yet, oldest first.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadUnhandledAsync(IReadOnlyList<string> kinds, int max, CancellationToken cancellationToken) =>
        QueryAsync($"kind IN ({string.Join(", ", kinds.Select((_, i) => $"@value{i}"))}) AND handled_at IS NULL", kinds, max, cancellationToken);

    /// <summary>Every event of <paramref name="kind"/>, handled or not, oldest first.</summary>
    public Task<IReadOnlyList<StoredEvent>> ReadKindAsync(string kind, int max, CancellationToken cancellationToken) =>
        QueryAsync("kind = @value0", [kind], max, cancellationToken);

    /// <summary>Marks <paramref name="id"/> handled and records what came of it as a new event, together (one transaction).</summary>
    public async Task ResolveAsync(long id, string kind, string conversationKey, string payload, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = Sql.Now();
        await using (var mark = connection.Command("UPDATE domain_events SET handled_at = @now WHERE id = @id AND handled_at IS NULL", transaction).With("now", now).With("id", id))
        {
            // Someone else (another replica) resolved it first: nothing to add.
            if (await mark.ExecuteNonQueryAsync(cancellationToken) != 1) return;
        }
        await using (var insert = connection.Command(
            "INSERT INTO domain_events (kind, conversation_key, payload, created_at, handled_at) VALUES (@kind, @key, @payload, @now, NULL)", transaction)
            .With("kind", kind).With("key", conversationKey).With("payload", database.Cipher.Protect(payload, SealedColumns.Event)).With("now", now))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<StoredEvent>> QueryAsync(string where, IReadOnlyList<string> values, int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT id, kind, conversation_key, payload, created_at FROM domain_events WHERE {where} ORDER BY id LIMIT @max")
            .With("max", max);
        for (var i = 0; i < values.Count; i++) command.With($"value{i}", values[i]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), database.Cipher.Unprotect(reader.GetString(3), SealedColumns.Event)!,
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture))));
        }
        return events;
    }
}
