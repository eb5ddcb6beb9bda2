using System.Globalization;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Data;

/// <summary>A committed domain event with its position.</summary>
public sealed record StoredEvent(long Id, string Kind, string ConversationKey, string Payload, DateTimeOffset CreatedAt);

/// <summary>Reads the domain events turns committed (case intakes, handoff requests), for the parts of the service that act on them.</summary>
public sealed class EventStore(Database database)
{
    public async Task<IReadOnlyList<StoredEvent>> ReadAsync(string conversationKey, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, kind, conversation_key, payload, created_at FROM domain_events WHERE conversation_key = @key ORDER BY id")
            .With("key", conversationKey);
        return await ReadAllAsync(command, cancellationToken);
    }

    /// <summary>Events of <paramref name="kind"/> nobody has handled yet, oldest first.</summary>
    public async Task<IReadOnlyList<StoredEvent>> ReadUnhandledAsync(string kind, int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, kind, conversation_key, payload, created_at FROM domain_events WHERE kind = @kind AND handled_at IS NULL ORDER BY id LIMIT @max")
            .With("kind", kind).With("max", max);
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task MarkHandledAsync(long id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE domain_events SET handled_at = @now WHERE id = @id").With("now", Sql.Now()).With("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<StoredEvent>> ReadAllAsync(System.Data.Common.DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<StoredEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new StoredEvent(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(4), CultureInfo.InvariantCulture))));
        }
        return events;
    }
}
