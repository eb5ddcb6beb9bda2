using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Handoff.Translations;

/// <summary>Where a machine translation is: asked for, done, or refused by the service for good.</summary>
public static class TranslationStatus
{
    public const string Pending = "pending";
    public const string Done = "done";
    public const string Failed = "failed";
}

/// <summary>
/// One machine translation of a case text into one language. <see cref="Source"/> names the text:
/// <c>event:{id}</c> (a message on the timeline) or <c>answer:{field}:{hash}</c> (a summary answer
/// in the worker's words). The original is never changed; this sits beside it.
/// </summary>
public sealed record CaseTranslation(
    string CaseId, string Source, string Target, int Priority, string Status, string? Text, string? Detected,
    int Attempts, DateTimeOffset NextAttemptAt, string? Error, bool Late)
{
    /// <summary>The translation is done and the text was already in the target language.</summary>
    public bool SameLanguage => Status == TranslationStatus.Done && Detected == Target;
}

/// <summary>
/// The <c>case_translations</c> table: what is asked for (committed with the case change that made
/// the text), leased by the translation worker, and read by the staff API and the delivery of replies.
/// </summary>
public sealed class CaseTranslations(Database database)
{
    /// <summary>A staff reply waiting for its translation before it is delivered.</summary>
    public const int Reply = 0;

    /// <summary>A worker's words for staff to read.</summary>
    public const int ForStaff = 1;

    private const string Columns = "case_id, source, target, priority, status, text, detected, attempts, next_attempt_at, error, late";

    public static string EventSource(long eventId) => "event:" + eventId.ToString(CultureInfo.InvariantCulture);

    /// <summary>A summary answer's source: its field and a hash of its value, so a changed answer is translated again.</summary>
    public static string AnswerSource(string field, string value) =>
        $"answer:{field}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..16]}";

    /// <summary>Asks for translations into <paramref name="targets"/>, in the transaction of the change that made the text; asking twice is harmless.</summary>
    internal static async Task RequestAsync(DbConnection connection, DbTransaction transaction, string caseId, string source, IEnumerable<string> targets, int priority, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var target in targets)
        {
            await using var command = connection.Command("""
                INSERT INTO case_translations (case_id, source, target, priority, status, attempts, next_attempt_at, late, created_at, updated_at)
                VALUES (@case, @source, @target, @priority, 'pending', 0, @now, 0, @now, @now)
                ON CONFLICT (case_id, source, target) DO NOTHING
                """, transaction)
                .With("case", caseId).With("source", source).With("target", target).With("priority", priority).With("now", now.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Every translation of a case's texts.</summary>
    public async Task<IReadOnlyList<CaseTranslation>> ForCaseAsync(string caseId, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM case_translations WHERE case_id = @case").With("case", caseId);
        return await ReadAsync(command, database.Cipher, cancellationToken);
    }

    public async Task<CaseTranslation?> GetAsync(string caseId, string source, string target, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command($"SELECT {Columns} FROM case_translations WHERE case_id = @case AND source = @source AND target = @target")
            .With("case", caseId).With("source", source).With("target", target);
        return (await ReadAsync(command, database.Cipher, cancellationToken)).FirstOrDefault();
    }

    /// <summary>
    /// Takes up to <paramref name="max"/> due translations, replies first, each for <paramref name="lease"/>: a
    /// replica that dies holding them leaves them to another when the lease runs out. Each is taken by one replica only.
    /// </summary>
    public async Task<IReadOnlyList<CaseTranslation>> LeaseDueAsync(int max, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        List<CaseTranslation> due;
        await using (var select = connection.Command($"SELECT {Columns} FROM case_translations WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY priority, next_attempt_at LIMIT @max")
            .With("now", now.ToUnixTimeMilliseconds()).With("max", max))
        {
            due = await ReadAsync(select, database.Cipher, cancellationToken);
        }
        var taken = new List<CaseTranslation>(due.Count);
        foreach (var row in due)
        {
            await using var claim = connection.Command("""
                UPDATE case_translations SET next_attempt_at = @until, attempts = attempts + 1, updated_at = @now
                WHERE case_id = @case AND source = @source AND target = @target AND status = 'pending' AND next_attempt_at = @seen
                """)
                .With("until", (now + lease).ToUnixTimeMilliseconds()).With("now", now.ToUnixTimeMilliseconds()).With("case", row.CaseId).With("source", row.Source)
                .With("target", row.Target).With("seen", row.NextAttemptAt.ToUnixTimeMilliseconds());
            if (await claim.ExecuteNonQueryAsync(cancellationToken) == 1) taken.Add(row with { Attempts = row.Attempts + 1 });
        }
        return taken;
    }

    /// <summary>Stores a finished translation (in <paramref name="transaction"/>); returns the row as it was if this completed it, null if it was no longer pending.</summary>
    internal static async Task<CaseTranslation?> CompleteAsync(DbConnection connection, DbTransaction transaction, FieldCipher cipher, CaseTranslation row, string text, string? detected, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = connection.Command($"""
            UPDATE case_translations SET status = 'done', text = @text, detected = @detected, error = NULL, updated_at = @now
            WHERE case_id = @case AND source = @source AND target = @target AND status = 'pending'
            RETURNING {Columns}
            """, transaction)
            .With("text", cipher.Protect(text, SealedColumns.Translation)).With("detected", detected).With("now", now.ToUnixTimeMilliseconds())
            .With("case", row.CaseId).With("source", row.Source).With("target", row.Target);
        return (await ReadAsync(command, cipher, cancellationToken)).FirstOrDefault();
    }

    /// <summary>A failed attempt: tried again at <paramref name="retryAt"/>, or never (<paramref name="permanent"/>: the service refused this text).</summary>
    public async Task FailAsync(CaseTranslation row, string error, bool permanent, DateTimeOffset retryAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("""
            UPDATE case_translations SET status = @status, error = @error, next_attempt_at = @retry, updated_at = @now
            WHERE case_id = @case AND source = @source AND target = @target AND status = 'pending'
            """)
            .With("status", permanent ? TranslationStatus.Failed : TranslationStatus.Pending).With("error", error.Length > 300 ? error[..300] : error)
            .With("retry", retryAt.ToUnixTimeMilliseconds()).With("now", now.ToUnixTimeMilliseconds())
            .With("case", row.CaseId).With("source", row.Source).With("target", row.Target);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Notes that a reply goes out untranslated; false if its translation was finished meanwhile (then send that).
    /// When a late translation is finished, it is sent to the worker after the original.
    /// </summary>
    public async Task<bool> MarkLateAsync(string caseId, string source, string target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("UPDATE case_translations SET late = 1 WHERE case_id = @case AND source = @source AND target = @target AND status <> 'done'")
            .With("case", caseId).With("source", source).With("target", target);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Forgets a translation whose text is gone (the worker's data was deleted).</summary>
    public async Task DropAsync(CaseTranslation row, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command("DELETE FROM case_translations WHERE case_id = @case AND source = @source AND target = @target")
            .With("case", row.CaseId).With("source", row.Source).With("target", row.Target);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<CaseTranslation>> ReadAsync(DbCommand command, FieldCipher cipher, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<CaseTranslation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            long Number(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            rows.Add(new CaseTranslation(reader.GetString(0), reader.GetString(1), reader.GetString(2), (int)Number(3), reader.GetString(4), cipher.Unprotect(Text(5), SealedColumns.Translation), Text(6),
                (int)Number(7), DateTimeOffset.FromUnixTimeMilliseconds(Number(8)), Text(9), Number(10) != 0));
        }
        return rows;
    }
}
