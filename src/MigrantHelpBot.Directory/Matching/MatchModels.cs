namespace MigrantHelpBot.Directory.Matching;

/// <summary>Who needs help: the worker's language, prefecture, problem, urgency and residence status.</summary>
public sealed record MatchRequest
{
    public string? Language { get; init; }
    public string? Prefecture { get; init; }
    public string? Category { get; init; }
    public bool Emergency { get; init; }
    public string? ResidenceStatus { get; init; }
}

/// <summary>The best organisations, in order; or, when none fits, the honest fallback.</summary>
public sealed record MatchResult
{
    public required IReadOnlyList<OrganizationMatch> Matches { get; init; }

    /// <summary>No organisation met every hard constraint: these are nationwide services and public lines instead.</summary>
    public bool Fallback { get; init; }

    /// <summary>Where the answer came from: <c>directory</c>, or the bot's last-known-good <c>snapshot</c> while the directory is unreachable.</summary>
    public string Source { get; init; } = "directory";

    /// <summary>Why constraints excluded the rest, for the coalition (e.g. the prefecture was not given).</summary>
    public IReadOnlyList<Reason> Notes { get; init; } = [];
}

public sealed record OrganizationMatch
{
    public required string OrganizationId { get; init; }

    /// <summary>The Japanese name (staff read Japanese); <see cref="NameEn"/> beside it.</summary>
    public required string Name { get; init; }

    public required string NameEn { get; init; }
    public required string Kind { get; init; }
    public required int Score { get; init; }
    public required IReadOnlyList<Reason> Reasons { get; init; }

    /// <summary>Whether a case can be handed to it (console or webhook); if not, the worker is given its public contact.</summary>
    public required bool ReceivesCases { get; init; }

    public Organizations.PublicContact? Contact { get; init; }
    public required DateOnly LastVerified { get; init; }
}

/// <summary>One reason, in Japanese (staff) and English (admin), with a stable code for software.</summary>
public sealed record Reason(string Code, string Ja, string En);

/// <summary>A (language, prefecture, category) nobody covers, as seen in real requests.</summary>
public sealed record CoverageGap(string Language, string Prefecture, string Category, long Requests, long Emergencies, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>One edit of the directory: who, when, what before and after.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string OrganizationId, string? Before, string? After);
