using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MigrantHelpBot.Data;

/// <summary>
/// Reseals, under the current key, every sealed value written under an older key (or before
/// encryption existed), a batch at a time, while the service runs: each value is replaced only if it
/// is still the one read, so a turn writing the same row meanwhile wins and nothing is lost. Runs at
/// start-up and every few hours. When it reports nothing left, older keys can be removed from the configuration.
/// </summary>
public sealed partial class KeyRotation(Database database, ILogger<KeyRotation> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var resealed = await RunAsync(stoppingToken);
                if (resealed > 0) LogResealed(resealed, database.Cipher.CurrentKeyId);
                await Task.Delay(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogFailed(exception);
                try
                {
                    await Task.Delay(TimeSpan.FromMinutes(1), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Reseals everything not under the current key; returns how many values were resealed.</summary>
    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        long total = 0;
        foreach (var (purpose, key) in SealedColumns.All)
        {
            while (true)
            {
                var done = await BatchAsync(purpose, key, 200, cancellationToken);
                total += done.Resealed;
                if (done.Seen < 200) break;
            }
        }
        if (total > 0) await database.ScrubAsync(cancellationToken);
        return total;
    }

    /// <summary>How many values are not yet under the current key (0: older keys may be removed).</summary>
    public async Task<long> PendingAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        long pending = 0;
        foreach (var (purpose, _) in SealedColumns.All)
        {
            var (table, column) = Split(purpose);
            await using var command = connection.Command($"SELECT COUNT(*) FROM {table} WHERE {Stale(column)}").With("current", database.Cipher.CurrentPrefix + "%");
            pending += Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        return pending;
    }

    private static (string Table, string Column) Split(string purpose)
    {
        var dot = purpose.IndexOf('.', StringComparison.Ordinal);
        return (purpose[..dot], purpose[(dot + 1)..]);
    }

    /// <summary>A value that is not sealed under the current key (<c>@current</c>: its prefix and <c>%</c>).</summary>
    private static string Stale(string column) => $"{column} IS NOT NULL AND {column} <> '' AND {column} NOT LIKE @current";

    private async Task<(int Seen, int Resealed)> BatchAsync(string purpose, string[] key, int max, CancellationToken cancellationToken)
    {
        var cipher = database.Cipher;
        var (table, column) = Split(purpose);
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = new List<(object[] Key, string Value)>();
        await using (var select = connection.Command(
            $"SELECT {string.Join(", ", key)}, {column} FROM {table} WHERE {Stale(column)} LIMIT @max")
            .With("current", cipher.CurrentPrefix + "%").With("max", max))
        {
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var values = new object[key.Length];
                for (var i = 0; i < key.Length; i++) values[i] = reader.GetValue(i);
                rows.Add((values, reader.GetString(key.Length)));
            }
        }
        var resealed = 0;
        foreach (var (values, stored) in rows)
        {
            var plain = cipher.Unprotect(stored, purpose);
            await using var update = connection.Command(
                $"UPDATE {table} SET {column} = @sealed WHERE {string.Join(" AND ", key.Select((k, i) => $"{k} = @k{i}"))} AND {column} = @old")
                .With("sealed", cipher.Protect(plain, purpose)).With("old", stored);
            for (var i = 0; i < values.Length; i++) update.With($"k{i}", values[i]);
            resealed += await update.ExecuteNonQueryAsync(cancellationToken);
        }
        return (rows.Count, resealed);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Resealed {Count} values under key {KeyId}.")]
    private partial void LogResealed(long count, string keyId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Resealing under the current key failed; will retry.")]
    private partial void LogFailed(Exception exception);
}
