using System.Globalization;
using MigrantHelpBot.Data;

namespace MigrantHelpBot.Directory.Matching;

/// <summary>Where coverage is missing: each (language, prefecture, category) a real request found no organisation for.</summary>
public sealed class GapStore(Database database)
{
    /// <summary>The placeholder when the worker did not give a prefecture or a problem.</summary>
    public const string Unknown = "unknown";

    public async Task RecordAsync(MatchRequest request, CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        var now = Sql.Now();
        await using var command = connection.Command(
            "INSERT INTO directory_gaps (language, prefecture, category, requests, emergencies, first_seen, last_seen) "
            + "VALUES (@language, @prefecture, @category, 1, @emergency, @now, @now) "
            + "ON CONFLICT (language, prefecture, category) DO UPDATE SET requests = directory_gaps.requests + 1, "
            + "emergencies = directory_gaps.emergencies + excluded.emergencies, last_seen = excluded.last_seen")
            .With("language", request.Language).With("prefecture", request.Prefecture ?? Unknown).With("category", request.Category ?? Unknown)
            .With("emergency", request.Emergency ? 1 : 0).With("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<List<CoverageGap>> ListAsync(CancellationToken cancellationToken)
    {
        await database.EnsureReadyAsync(cancellationToken);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.Command(
            "SELECT language, prefecture, category, requests, emergencies, first_seen, last_seen FROM directory_gaps "
            + "ORDER BY emergencies DESC, requests DESC, language, prefecture, category");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var gaps = new List<CoverageGap>();
        while (await reader.ReadAsync(cancellationToken))
        {
            long At(int i) => Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            gaps.Add(new CoverageGap(reader.GetString(0), reader.GetString(1), reader.GetString(2), At(3), At(4),
                DateTimeOffset.FromUnixTimeMilliseconds(At(5)), DateTimeOffset.FromUnixTimeMilliseconds(At(6))));
        }
        return gaps;
    }
}
