using System.Data.Common;

namespace MigrantHelpBot.Data;

/// <summary>
/// Moves what was stored before pseudonyms existed onto them, inside the migration's transaction (so no turn
/// runs meanwhile): for every LINE or Messenger account found in a key, its conversation, user state, inbound
/// queue, transcript, events and cases move to the pseudonym's keys; the conversation references sealed in
/// the conversation state, the cases and the pending events are rewritten to it; and <c>channel_users</c>
/// keeps the account id only sealed, as the address the senders use. Messages already queued for sending
/// keep the account id in their sealed payload, which the senders still read.
/// </summary>
public static class PseudonymRekey
{
    /// <summary>The plain columns that hold conversation or user keys.</summary>
    private static readonly (string Table, string Column)[] KeyColumns =
    [
        ("bot_state", "key"),
        ("activity_log_seq", "conversation_key"),
        ("activity_log", "conversation_key"),
        ("outbox", "conversation_key"),
        ("domain_events", "conversation_key"),
        ("cases", "conversation_key"),
    ];

    /// <summary>The sealed columns that may hold a conversation reference, with their row key and the column that says whose row it is.</summary>
    private static readonly (string Purpose, string RowKey, string Owner)[] References =
    [
        (SealedColumns.State, "key", "key"),
        (SealedColumns.Case, "id", "conversation_key"),
        (SealedColumns.Event, "id", "conversation_key"),
    ];

    /// <summary>Rekeys, in one transaction, every account still stored under its platform id (migration 9 does it on upgrade); returns how many accounts moved.</summary>
    public static async Task<int> RunAsync(Database database, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var moved = await RunAsync(database, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return moved;
    }

    internal static async Task<int> RunAsync(Database database, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(connection);
        var accounts = await LegacyAccountsAsync(connection, transaction, cancellationToken);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (channel, account) in accounts)
        {
            var pseudonym = database.Pseudonyms.Of(channel, account);
            var moves = new (string Old, string New)[]
            {
                ($"{channel}/conversations/{account}", $"{channel}/conversations/{pseudonym}"),
                ($"{channel}/users/{account}", $"{channel}/users/{pseudonym}"),
                ($"{channel}-in/{account}", $"{channel}-in/{pseudonym}"),
            };
            foreach (var (table, column) in KeyColumns)
            {
                foreach (var (from, to) in moves)
                {
                    await using var move = connection.Command($"UPDATE {table} SET {column} = @to WHERE {column} = @from", transaction).With("to", to).With("from", from);
                    await move.ExecuteNonQueryAsync(cancellationToken);
                }
            }
            foreach (var (purpose, rowKey, owner) in References)
            {
                await RewriteReferencesAsync(database.Cipher, connection, transaction, purpose, rowKey, owner, [moves[0].New, moves[1].New],
                    [(account, pseudonym), .. moves], cancellationToken);
            }
            var address = database.Cipher.Protect(account, SealedColumns.ChannelAddress);
            await using var user = connection.Command(
                "UPDATE channel_users SET user_id = @pseudonym, address = @address WHERE channel = @channel AND user_id = @account", transaction)
                .With("pseudonym", pseudonym).With("address", address).With("channel", channel).With("account", account);
            if (await user.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                // A conversation from before channel_users existed: its address is kept all the same, so staff can still answer.
                await using var insert = connection.Command(
                    "INSERT INTO channel_users (channel, user_id, active, updated_at, address) VALUES (@channel, @pseudonym, @active, @now, @address)", transaction)
                    .With("channel", channel).With("pseudonym", pseudonym).With("active", true).With("now", now).With("address", address);
                await insert.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        return accounts.Count;
    }

    /// <summary>Every (channel, account id) that a key or <c>channel_users</c> still holds in the clear.</summary>
    private static async Task<List<(string Channel, string Account)>> LegacyAccountsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var found = new HashSet<(string, string)>();
        await using (var users = connection.Command("SELECT channel, user_id FROM channel_users", transaction))
        await using (var reader = await users.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var channel = reader.GetString(0);
                var account = reader.GetString(1);
                if (Pseudonyms.Channels.Contains(channel) && !Pseudonyms.IsPseudonym(account)) found.Add((channel, account));
            }
        }
        foreach (var (table, column) in KeyColumns)
        {
            foreach (var channel in Pseudonyms.Channels)
            {
                await using var keys = connection.Command(
                    $"SELECT DISTINCT {column} FROM {table} WHERE {column} LIKE @conversations OR {column} LIKE @users OR {column} LIKE @inbound", transaction)
                    .With("conversations", channel + "/conversations/%").With("users", channel + "/users/%").With("inbound", channel + "-in/%");
                await using var reader = await keys.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    if (Account(channel, reader.GetString(0)) is { } account) found.Add((channel, account));
                }
            }
        }
        return [.. found.Order()];
    }

    /// <summary>The account id in a key of <paramref name="channel"/>, or null when the key holds a pseudonym already.</summary>
    private static string? Account(string channel, string key)
    {
        foreach (var prefix in new[] { channel + "/conversations/", channel + "/users/", channel + "-in/" })
        {
            // LIKE ignores case in SQLite: compare exactly here.
            if (key.StartsWith(prefix, StringComparison.Ordinal) && key.Length > prefix.Length)
            {
                var id = key[prefix.Length..];
                return Pseudonyms.IsPseudonym(id) ? null : id;
            }
        }
        return null;
    }

    /// <summary>Replaces the account id and its keys, as JSON strings, by the pseudonym's in the sealed values of the given owners' rows.</summary>
    private static async Task RewriteReferencesAsync(
        FieldCipher cipher, DbConnection connection, DbTransaction transaction, string purpose, string rowKey, string owner,
        string[] owners, (string Old, string New)[] replacements, CancellationToken cancellationToken)
    {
        var dot = purpose.IndexOf('.', StringComparison.Ordinal);
        var (table, column) = (purpose[..dot], purpose[(dot + 1)..]);
        var rows = new List<(object Key, string Value)>();
        await using (var select = connection.Command($"SELECT {rowKey}, {column} FROM {table} WHERE {owner} IN (@a, @b)", transaction).With("a", owners[0]).With("b", owners[1]))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(1)) rows.Add((reader.GetValue(0), reader.GetString(1)));
            }
        }
        foreach (var (key, stored) in rows)
        {
            var plain = cipher.Unprotect(stored, purpose);
            if (plain is null) continue;
            var rewritten = plain;
            // Platform ids are letters and digits, so as a JSON string value the account is exactly "account" (a key, "line/users/account").
            foreach (var (from, to) in replacements) rewritten = rewritten.Replace("\"" + from + "\"", "\"" + to + "\"", StringComparison.Ordinal);
            if (rewritten == plain) continue;
            await using var update = connection.Command($"UPDATE {table} SET {column} = @value WHERE {rowKey} = @key", transaction)
                .With("value", cipher.Protect(rewritten, purpose)).With("key", key);
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
