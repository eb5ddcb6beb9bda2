using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using MigrantHelpBot.Data;
using MigrantHelpBot.Handoff.Notifications;

namespace MigrantHelpBot.Handoff.Cases;

/// <summary>What a staff member may see: every case (admin), or the offered and held cases of one organisation.</summary>
public sealed record CaseScope(string? OrganizationId, bool All)
{
    public static CaseScope For(Actor actor) => new(actor.OrganizationId, actor.IsAdmin);

    public bool Sees(CaseRecord record) =>
        All || (OrganizationId is not null && record.OrganizationId == OrganizationId
                && record.Status is CaseStatus.Offered or CaseStatus.Transferred or CaseStatus.Accepted);
}

/// <summary>Filters of the case list.</summary>
public sealed record CaseFilter(IReadOnlyList<string>? Statuses = null, string? Urgency = null, string? Language = null, string? Category = null, int Limit = 200);

/// <summary>Cases, their timelines and the audit of staff access, on SQLite or PostgreSQL.</summary>
public sealed class CaseStore(Database database)
{
    internal const string Columns = "id, conversation_key, status, category, urgency, language, prefecture, organization_id, assignee_id, assignee_name, data, offer_expires_at, created_at, updated_at, closed_at, version";

    /// <summary>A new case id: short enough to read out on the phone (<c>MHB-7K3Q9X</c>), random so ids reveal nothing.</summary>
    public static string NewId()
    {
        const string alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        Span<char> chars = stackalloc char[8];
        for (var i = 0; i < chars.Length; i++) chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        return "MHB-" + new string(chars);
    }

    public async Task<CaseTransaction> BeginAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            return new CaseTransaction(connection, transaction, database.Cipher);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public async Task<CaseRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM cases WHERE id = @id").With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCase(reader, database.Cipher) : null;
    }

    /// <summary>Every case of a conversation not yet purged, oldest first.</summary>
    public async Task<IReadOnlyList<CaseRecord>> CasesOfConversationAsync(string conversationKey, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await CasesOfConversationAsync(connection, null, database.Cipher, conversationKey, cancellationToken);
    }

    internal static async Task<IReadOnlyList<CaseRecord>> CasesOfConversationAsync(DbConnection connection, DbTransaction? transaction, FieldCipher cipher, string conversationKey, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {Columns} FROM cases WHERE conversation_key = @key AND purged_at IS NULL ORDER BY created_at", transaction)
            .With("key", conversationKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseRecord>();
        while (await reader.ReadAsync(cancellationToken)) cases.Add(ReadCase(reader, cipher));
        return cases;
    }

    /// <summary>A timeline entry's kind, text and data, or null if it is gone.</summary>
    public async Task<(string Kind, string? Text, Dictionary<string, string> Data)?> EventAsync(long eventId, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await EventAsync(connection, null, database.Cipher, eventId, cancellationToken);
    }

    internal static async Task<(string Kind, string? Text, Dictionary<string, string> Data)?> EventAsync(DbConnection connection, DbTransaction? transaction, FieldCipher cipher, long eventId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT kind, text, data FROM case_events WHERE id = @id", transaction).With("id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken)) return null;
        var data = reader.IsDBNull(2) ? null : JsonSerializer.Deserialize(cipher.Unprotect(reader.GetString(2), SealedColumns.CaseEventData)!, CaseJson.Default.DictionaryStringString);
        return (reader.GetString(0), reader.IsDBNull(1) ? null : cipher.Unprotect(reader.GetString(1), SealedColumns.CaseEventText), data ?? []);
    }

    /// <summary>The open case of a conversation, if any.</summary>
    public async Task<CaseRecord?> FindOpenAsync(string conversationKey, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        return await FindOpenAsync(connection, null, database.Cipher, conversationKey, cancellationToken);
    }

    internal static async Task<CaseRecord?> FindOpenAsync(DbConnection connection, DbTransaction? transaction, FieldCipher cipher, string conversationKey, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            $"SELECT {Columns} FROM cases WHERE conversation_key = @key AND status IN ('new', 'offered', 'transferred', 'accepted') ORDER BY created_at DESC LIMIT 1", transaction)
            .With("key", conversationKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadCase(reader, cipher) : null;
    }

    /// <summary>Cases the scope sees, emergencies first, then the longest waiting.</summary>
    public async Task<IReadOnlyList<CaseRecord>> ListAsync(CaseScope scope, CaseFilter filter, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = connection.Command(string.Empty);
        if (!scope.All)
        {
            where.Add("organization_id = @org AND status IN ('offered', 'transferred', 'accepted')");
            command.With("org", scope.OrganizationId ?? "\u0000");
        }
        if (filter.Statuses is { Count: > 0 } statuses)
        {
            var names = statuses.Select((s, i) => { command.With($"s{i}", s); return $"@s{i}"; });
            where.Add($"status IN ({string.Join(", ", names)})");
        }
        if (filter.Urgency is not null) { where.Add("urgency = @urgency"); command.With("urgency", filter.Urgency); }
        if (filter.Language is not null) { where.Add("language = @language"); command.With("language", filter.Language); }
        if (filter.Category is not null) { where.Add("category = @category"); command.With("category", filter.Category); }
        command.With("max", filter.Limit);
        command.CommandText = $"""
            SELECT {Columns} FROM cases {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)}
            ORDER BY CASE WHEN status IN ('resolved', 'closed_by_worker') THEN 1 ELSE 0 END, CASE WHEN urgency = 'P0' THEN 0 WHEN urgency = 'P1' THEN 1 ELSE 2 END, created_at
            LIMIT @max
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseRecord>();
        while (await reader.ReadAsync(cancellationToken)) cases.Add(ReadCase(reader, database.Cipher));
        return cases;
    }

    public async Task<IReadOnlyList<CaseEvent>> EventsAsync(string caseId, CancellationToken cancellationToken, long after = 0)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, case_id, at, kind, actor, text, data, delivery, delivery_error FROM case_events WHERE case_id = @id AND id > @after ORDER BY id")
            .With("id", caseId).With("after", after);
        return await ReadEventsAsync(command, database.Cipher, cancellationToken);
    }

    /// <summary>Worker-bound entries (staff messages, notices) not yet delivered, oldest first.</summary>
    public async Task<IReadOnlyList<CaseEvent>> PendingDeliveriesAsync(int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT id, case_id, at, kind, actor, text, data, delivery, delivery_error FROM case_events WHERE delivery = 'pending' ORDER BY id LIMIT @max")
            .With("max", max);
        return await ReadEventsAsync(command, database.Cipher, cancellationToken);
    }

    public async Task MarkDeliveryAsync(long eventId, string outcome, string? error, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        // A channel's later refusal ("failed") is never overwritten by the earlier hand-over to the channel ("sent").
        await using var command = connection.Command("UPDATE case_events SET delivery = @outcome, delivery_error = @error WHERE id = @id AND (@outcome <> 'sent' OR delivery = 'pending')")
            .With("outcome", outcome).With("error", error).With("id", eventId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Conversations whose state was last written before <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<string>> IdleConversationsAsync(DateTimeOffset before, int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("SELECT key FROM bot_state WHERE updated_at < @before AND key LIKE '%/conversations/%' ORDER BY updated_at LIMIT @max")
            .With("before", before.ToUnixTimeMilliseconds()).With("max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>Closed cases not yet purged that closed before <paramref name="before"/> (their retention has passed).</summary>
    /// <remarks>Paged by (closed_at, id) after <paramref name="after"/>, so cases left for later never hide the ones behind them.</remarks>
    public async Task<IReadOnlyList<CaseRecord>> ClosedBeforeAsync(DateTimeOffset before, (DateTimeOffset ClosedAt, string Id)? after, int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"""
            SELECT {Columns} FROM cases WHERE purged_at IS NULL AND status IN ('resolved', 'closed_by_worker') AND closed_at < @before
              AND (closed_at > @afterAt OR closed_at = @afterAt AND id > @afterId)
            ORDER BY closed_at, id LIMIT @max
            """)
            .With("before", before.ToUnixTimeMilliseconds()).With("max", max)
            .With("afterAt", after?.ClosedAt.ToUnixTimeMilliseconds() ?? long.MinValue).With("afterId", after?.Id ?? string.Empty);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseRecord>();
        while (await reader.ReadAsync(cancellationToken)) cases.Add(ReadCase(reader, database.Cipher));
        return cases;
    }

    /// <summary>Offers past their SLA.</summary>
    public async Task<IReadOnlyList<CaseRecord>> ExpiredOffersAsync(DateTimeOffset now, int max, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            $"SELECT {Columns} FROM cases WHERE status IN ('offered', 'transferred') AND offer_expires_at <= @now ORDER BY offer_expires_at LIMIT @max")
            .With("now", now.ToUnixTimeMilliseconds()).With("max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var cases = new List<CaseRecord>();
        while (await reader.ReadAsync(cancellationToken)) cases.Add(ReadCase(reader, database.Cipher));
        return cases;
    }

    public async Task<IReadOnlyList<AuditRecord>> AuditAsync(string? caseId, string? actor, int limit, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = connection.Command(string.Empty);
        if (caseId is not null) { where.Add("case_id = @case"); command.With("case", caseId); }
        if (actor is not null) { where.Add("actor = @actor"); command.With("actor", actor); }
        command.With("max", limit);
        command.CommandText = $"SELECT id, at, actor, organization_id, action, case_id, detail FROM case_audit {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY id DESC LIMIT @max";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<AuditRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new AuditRecord(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(reader.GetValue(1), CultureInfo.InvariantCulture)),
                reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }
        return entries;
    }

    /// <summary>
    /// Notices to organisations, newest first: one organisation's (<paramref name="organizationId"/>), or every
    /// organisation's for the coalition (null).
    /// </summary>
    public async Task<IReadOnlyList<OrganizationNotice>> NoticesAsync(string? organizationId, bool unreadOnly, int limit, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var where = new List<string>();
        await using var command = connection.Command(string.Empty);
        if (organizationId is not null) { where.Add("organization_id = @org"); command.With("org", organizationId); }
        if (unreadOnly) where.Add("read_at IS NULL");
        command.With("max", limit);
        command.CommandText = $"""
            SELECT id, organization_id, type, reason, case_id, category, urgency, language, prefecture, at, read_at, read_by
            FROM organization_notices {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : string.Empty)} ORDER BY id DESC LIMIT @max
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var notices = new List<OrganizationNotice>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long Number(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            notices.Add(new OrganizationNotice(
                Number(0), reader.GetString(1), reader.GetString(2), Text(3), reader.GetString(4), Text(5), reader.GetString(6), reader.GetString(7), Text(8),
                DateTimeOffset.FromUnixTimeMilliseconds(Number(9)), reader.IsDBNull(10) ? null : DateTimeOffset.FromUnixTimeMilliseconds(Number(10)), Text(11)));
        }
        return notices;
    }

    /// <summary>Marks an organisation's notices up to <paramref name="upTo"/> read; returns how many.</summary>
    public async Task<int> MarkNoticesReadAsync(string organizationId, long upTo, Actor actor, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "UPDATE organization_notices SET read_at = @at, read_by = @by WHERE organization_id = @org AND read_at IS NULL AND id <= @upTo")
            .With("at", at.ToUnixTimeMilliseconds()).With("by", actor.Id).With("upTo", upTo).With("org", organizationId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records one access or action outside a transaction (a staff member viewed a case).</summary>
    public async Task AuditAsync(Actor actor, string action, string? caseId, string? detail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await CaseTransaction.InsertAuditAsync(connection, null, actor, action, caseId, detail, at, cancellationToken);
    }

    internal static CaseRecord ReadCase(DbDataReader reader, FieldCipher cipher) => new()
    {
        Id = reader.GetString(0),
        ConversationKey = reader.GetString(1),
        Status = reader.GetString(2),
        Category = reader.IsDBNull(3) ? null : reader.GetString(3),
        Urgency = reader.GetString(4),
        Language = reader.GetString(5),
        Prefecture = reader.IsDBNull(6) ? null : reader.GetString(6),
        OrganizationId = reader.IsDBNull(7) ? null : reader.GetString(7),
        AssigneeId = reader.IsDBNull(8) ? null : reader.GetString(8),
        AssigneeName = reader.IsDBNull(9) ? null : reader.GetString(9),
        Data = JsonSerializer.Deserialize(cipher.Unprotect(reader.GetString(10), SealedColumns.Case)!, CaseJson.Default.CaseData) ?? new CaseData(),
        OfferExpiresAt = reader.IsDBNull(11) ? null : Time(reader.GetValue(11)),
        CreatedAt = Time(reader.GetValue(12)),
        UpdatedAt = Time(reader.GetValue(13)),
        ClosedAt = reader.IsDBNull(14) ? null : Time(reader.GetValue(14)),
        Version = Convert.ToInt64(reader.GetValue(15), CultureInfo.InvariantCulture),
    };

    private static DateTimeOffset Time(object value) => DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture));

    private static async Task<IReadOnlyList<CaseEvent>> ReadEventsAsync(DbCommand command, FieldCipher cipher, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<CaseEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new CaseEvent(
                Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
                reader.GetString(1),
                Time(reader.GetValue(2)),
                reader.GetString(3),
                reader.GetString(4),
                reader.IsDBNull(5) ? null : cipher.Unprotect(reader.GetString(5), SealedColumns.CaseEventText),
                reader.IsDBNull(6) ? null : JsonSerializer.Deserialize(cipher.Unprotect(reader.GetString(6), SealedColumns.CaseEventData)!, CaseJson.Default.JsonElement),
                reader.IsDBNull(7) ? null : reader.GetString(7),
                reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return events;
    }
}

/// <summary>One audit entry: who did what to which case, when.</summary>
/// <summary>What an organisation was told about a case (offered, withdrawn, closed), and whether someone there has read it.</summary>
public sealed record OrganizationNotice(
    long Id, string OrganizationId, string Type, string? Reason, string CaseId, string? Category, string Urgency, string Language, string? Prefecture,
    DateTimeOffset At, DateTimeOffset? ReadAt, string? ReadBy);

public sealed record AuditRecord(long Id, DateTimeOffset At, string Actor, string? OrganizationId, string Action, string? CaseId, string? Detail);

/// <summary>
/// One unit of work on cases: the domain event that caused it marked handled, the case written
/// (with a version check), its timeline entries, audit rows and outbox notifications — all or nothing.
/// </summary>
public sealed class CaseTransaction(DbConnection connection, DbTransaction transaction, FieldCipher cipher) : IAsyncDisposable
{
    /// <summary>
    /// Marks a domain event handled; false if another replica already did (then do nothing).
    /// <paramref name="clearPayload"/> drops its payload (a worker's message text lives on in the case only).
    /// </summary>
    public async Task<bool> ClaimEventAsync(long eventId, CancellationToken cancellationToken, bool clearPayload = false)
    {
        await using var command = connection.Command(
            $"UPDATE domain_events SET handled_at = @now{(clearPayload ? ", payload = '{}'" : string.Empty)} WHERE id = @id AND handled_at IS NULL", transaction)
            .With("now", Sql.Now()).With("id", eventId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The kind and payload of a domain event, or null if it is gone (the worker deleted their data).</summary>
    public async Task<(string Kind, string Payload)?> SourceEventAsync(long eventId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT kind, payload FROM domain_events WHERE id = @id", transaction).With("id", eventId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), cipher.Unprotect(reader.GetString(1), SealedColumns.Event)!) : null;
    }

    /// <summary>Marks the case as changed now (a message either way) without a new version: the queue shows the latest activity.</summary>
    public async Task TouchAsync(string caseId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("UPDATE cases SET updated_at = @at WHERE id = @id AND updated_at < @at", transaction)
            .With("at", at.ToUnixTimeMilliseconds()).With("id", caseId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<CaseRecord?> FindOpenAsync(string conversationKey, CancellationToken cancellationToken) =>
        CaseStore.FindOpenAsync(connection, transaction, cipher, conversationKey, cancellationToken);

    /// <summary>Every case of a conversation not yet purged, oldest first.</summary>
    public Task<IReadOnlyList<CaseRecord>> CasesOfConversationAsync(string conversationKey, CancellationToken cancellationToken) =>
        CaseStore.CasesOfConversationAsync(connection, transaction, cipher, conversationKey, cancellationToken);

    /// <summary>
    /// Removes a case's personal data: its timeline and translations go; the row keeps only what statistics need
    /// (status, category, urgency, language, prefecture, organisation, dates), no longer tied to the conversation.
    /// </summary>
    public async Task PurgeCaseAsync(string caseId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var sql in new[] { "DELETE FROM case_events WHERE case_id = @id", "DELETE FROM case_translations WHERE case_id = @id" })
        {
            await using var delete = connection.Command(sql, transaction).With("id", caseId);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await using var command = connection.Command(
            "UPDATE cases SET data = @data, conversation_key = @erased, assignee_id = NULL, assignee_name = NULL, offer_expires_at = NULL, purged_at = @now, version = version + 1 WHERE id = @id",
            transaction)
            .With("data", cipher.Protect(JsonSerializer.Serialize(new CaseData { Source = CaseData.PurgedSource }, CaseJson.Default.CaseData), SealedColumns.Case))
            .With("erased", "purged/" + caseId).With("now", now.ToUnixTimeMilliseconds()).With("id", caseId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Removes what is left of a conversation: outgoing messages already sent or failed (one still pending, such as
    /// the goodbye, is delivered and then emptied), the channel's record of the user, the user's state
    /// (<paramref name="userKeys"/>, and on LINE and Messenger the conversation's own user), its domain events up to
    /// <paramref name="eventsUpTo"/> (all if null), and — when <paramref name="transcript"/> — its state and transcript
    /// (a worker's own "delete my data" turn erased those itself, and its goodbye must stay readable).
    /// </summary>
    public async Task EraseConversationAsync(string conversationKey, IEnumerable<string> userKeys, bool transcript, long? eventsUpTo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userKeys);
        var statements = new List<string>
        {
            "DELETE FROM outbox WHERE conversation_key = @key AND status <> 'pending'",
            eventsUpTo is null ? "DELETE FROM domain_events WHERE conversation_key = @key" : "DELETE FROM domain_events WHERE conversation_key = @key AND id <= @upTo",
        };
        if (transcript)
        {
            statements.Add("DELETE FROM bot_state WHERE key = @key");
            statements.Add("DELETE FROM activity_log WHERE conversation_key = @key");
            statements.Add("DELETE FROM activity_log_seq WHERE conversation_key = @key");
        }
        foreach (var sql in statements)
        {
            await using var delete = connection.Command(sql, transaction).With("key", conversationKey).With("upTo", eventsUpTo ?? 0);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        var users = new HashSet<string>(userKeys, StringComparer.Ordinal);
        // LINE and Messenger: the conversation is the user (line/conversations/ps1-… ↔ channel_users (line, ps1-…) with the sealed address, line/users/ps1-…).
        var at = conversationKey.IndexOf("/conversations/", StringComparison.Ordinal);
        if (at > 0)
        {
            var channel = conversationKey[..at];
            var id = conversationKey[(at + "/conversations/".Length)..];
            await using var user = connection.Command("DELETE FROM channel_users WHERE channel = @channel AND user_id = @id", transaction).With("channel", channel).With("id", id);
            await user.ExecuteNonQueryAsync(cancellationToken);
            users.Add($"{channel}/users/{id}");
        }
        foreach (var key in users)
        {
            await using var state = connection.Command("DELETE FROM bot_state WHERE key = @key", transaction).With("key", key);
            await state.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>When the conversation last changed (its state's last write), or null if it has none.</summary>
    public async Task<DateTimeOffset?> ConversationTouchedAsync(string conversationKey, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT updated_at FROM bot_state WHERE key = @key", transaction).With("key", conversationKey);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull
            ? DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(value, CultureInfo.InvariantCulture)) : null;
    }

    public async Task<CaseRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"SELECT {CaseStore.Columns} FROM cases WHERE id = @id", transaction).With("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? CaseStore.ReadCase(reader, cipher) : null;
    }

    public async Task InsertAsync(CaseRecord record, long sourceEventId, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"""
            INSERT INTO cases (id, source_event_id, conversation_key, status, category, urgency, language, prefecture, organization_id, assignee_id, assignee_name, data, offer_expires_at, created_at, updated_at, closed_at, version)
            VALUES (@id, @source, @key, @status, @category, @urgency, @language, @prefecture, @org, @assignee, @assigneeName, @data, @expires, @created, @updated, @closed, 1)
            """, transaction);
        Bind(command, record).With("source", sourceEventId).With("key", record.ConversationKey).With("created", record.CreatedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Writes <paramref name="record"/> if nobody changed the case since <paramref name="record"/>'s version
    /// was read; returns it as stored (its new version), or null if someone else changed it first.
    /// </summary>
    public async Task<CaseRecord?> UpdateAsync(CaseRecord record, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("""
            UPDATE cases SET status = @status, category = @category, urgency = @urgency, language = @language, prefecture = @prefecture,
                organization_id = @org, assignee_id = @assignee, assignee_name = @assigneeName, data = @data, offer_expires_at = @expires,
                updated_at = @updated, closed_at = @closed, version = version + 1
            WHERE id = @id AND version = @version
            """, transaction);
        Bind(command, record).With("version", record.Version);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1 ? record with { Version = record.Version + 1 } : null;
    }

    /// <summary>Adds a timeline entry (returns its id); <paramref name="deliver"/> marks it for delivery to the worker.</summary>
    public async Task<long> AddEventAsync(string caseId, DateTimeOffset at, string kind, Actor actor, string? text, Dictionary<string, string>? data, bool deliver, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "INSERT INTO case_events (case_id, at, kind, actor, text, data, delivery) VALUES (@case, @at, @kind, @actor, @text, @data, @delivery) RETURNING id", transaction)
            .With("case", caseId).With("at", at.ToUnixTimeMilliseconds()).With("kind", kind).With("actor", actor.Name == actor.Id ? actor.Id : $"{actor.Name} <{actor.Id}>")
            .With("text", cipher.Protect(text, SealedColumns.CaseEventText))
            .With("data", data is null ? null : cipher.Protect(JsonSerializer.Serialize(data, CaseJson.Default.DictionaryStringString), SealedColumns.CaseEventData))
            .With("delivery", deliver ? "pending" : null);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>Asks for machine translations of a case text, committed with the change that made it.</summary>
    public Task RequestTranslationAsync(string caseId, string source, IEnumerable<string> targets, int priority, DateTimeOffset now, CancellationToken cancellationToken) =>
        Translations.CaseTranslations.RequestAsync(connection, transaction, caseId, source, targets, priority, now, cancellationToken);

    /// <summary>Stores a finished translation; the row as it was, or null if it was no longer pending.</summary>
    public Task<Translations.CaseTranslation?> CompleteTranslationAsync(Translations.CaseTranslation row, string text, string? detected, DateTimeOffset now, CancellationToken cancellationToken) =>
        Translations.CaseTranslations.CompleteAsync(connection, transaction, cipher, row, text, detected, now, cancellationToken);

    /// <summary>A timeline entry's kind, text and data, or null if it is gone.</summary>
    public Task<(string Kind, string? Text, Dictionary<string, string> Data)?> EventAsync(long eventId, CancellationToken cancellationToken) =>
        CaseStore.EventAsync(connection, transaction, cipher, eventId, cancellationToken);

    public Task AuditAsync(Actor actor, string action, string? caseId, string? detail, DateTimeOffset at, CancellationToken cancellationToken) =>
        InsertAuditAsync(connection, transaction, actor, action, caseId, detail, at, cancellationToken);

    /// <summary>Keeps a notice for the organisation's console and <c>GET /api/notices</c>.</summary>
    public async Task AddOrganizationNoticeAsync(CaseNotification notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await using var command = connection.Command("""
            INSERT INTO organization_notices (organization_id, type, reason, case_id, category, urgency, language, prefecture, at)
            VALUES (@org, @type, @reason, @case, @category, @urgency, @language, @prefecture, @at)
            """, transaction)
            .With("org", notification.OrganizationId).With("type", notification.Type).With("reason", notification.Reason).With("case", notification.CaseId)
            .With("category", notification.Category).With("urgency", notification.Urgency).With("language", notification.Language)
            .With("prefecture", notification.Prefecture).With("at", notification.At.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Queues a message for a channel sender (a webhook notification), committed with the case.</summary>
    public async Task EnqueueAsync(string idempotencyKey, string channel, string conversationKey, string payload, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(CommitApplier.InsertOutbox, transaction)
            .With("ikey", idempotencyKey).With("channel", channel).With("key", conversationKey).With("payload", cipher.Protect(payload, SealedColumns.Outbox)).With("now", Sql.Now());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The conversation's activity log (the Direct Line transcript), oldest first.</summary>
    public async Task<IReadOnlyList<string>> ConversationLogAsync(string conversationKey, int max, CancellationToken cancellationToken)
    {
        await using var command = connection.Command("SELECT activity FROM activity_log WHERE conversation_key = @key ORDER BY seq LIMIT @max", transaction)
            .With("key", conversationKey).With("max", max);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var log = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) log.Add(cipher.Unprotect(reader.GetString(0), SealedColumns.Activity)!);
        return log;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await transaction.DisposeAsync();
        await connection.DisposeAsync();
    }

    internal static async Task InsertAuditAsync(DbConnection connection, DbTransaction? transaction, Actor actor, string action, string? caseId, string? detail, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(
            "INSERT INTO case_audit (at, actor, organization_id, action, case_id, detail) VALUES (@at, @actor, @org, @action, @case, @detail)", transaction)
            .With("at", at.ToUnixTimeMilliseconds()).With("actor", actor.Id).With("org", actor.OrganizationId).With("action", action).With("case", caseId)
            .With("detail", detail is { Length: > 500 } ? detail[..500] : detail);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private DbCommand Bind(DbCommand command, CaseRecord record) => command
        .With("id", record.Id).With("status", record.Status).With("category", record.Category).With("urgency", record.Urgency)
        .With("language", record.Language).With("prefecture", record.Prefecture).With("org", record.OrganizationId)
        .With("assignee", record.AssigneeId).With("assigneeName", record.AssigneeName)
        .With("data", cipher.Protect(JsonSerializer.Serialize(record.Data, CaseJson.Default.CaseData), SealedColumns.Case))
        .With("expires", record.OfferExpiresAt?.ToUnixTimeMilliseconds()).With("updated", record.UpdatedAt.ToUnixTimeMilliseconds())
        .With("closed", record.ClosedAt?.ToUnixTimeMilliseconds());
}
