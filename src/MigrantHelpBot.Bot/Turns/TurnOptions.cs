namespace MigrantHelpBot.Bot.Turns;

public sealed class TurnOptions
{
    /// <summary>How often a turn that loses an eTag race is re-run before the request fails with 503.</summary>
    public int MaxAttempts { get; set; } = 25;

    /// <summary>State entries kept in memory (0 turns the cache off).</summary>
    public int StateCacheEntries { get; set; } = 50_000;

    /// <summary>Inbound activity ids remembered per conversation to drop redeliveries.</summary>
    public int RecentActivityIds { get; set; } = 16;
}

/// <summary>A turn kept losing the eTag race; the caller should retry later.</summary>
public sealed class TurnConflictException(string conversationKey, int attempts)
    : Exception($"The turn on '{conversationKey}' lost the eTag race {attempts} times.");
