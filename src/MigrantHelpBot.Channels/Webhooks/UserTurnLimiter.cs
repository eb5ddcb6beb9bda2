using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Channels.Webhooks;

/// <summary>Configuration section <c>Inbound</c>: how fast one LINE or Messenger user's messages become turns.</summary>
public sealed class InboundOptions
{
    public const string Section = "Inbound";

    /// <summary>Turns one user may start per <see cref="Window"/>; more wait (stored, in order) for the next window.</summary>
    public int PerUserPerWindow { get; set; } = 60;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// The per-user limit of the webhook channels. A platform sends every user's events from few
/// addresses and retries a whole batch it is refused, so a user flooding the bot is not refused at the
/// door: their events are stored and acknowledged, and their turns wait for the next window — in
/// order, none dropped — while everyone else is answered as usual. Counted per replica.
/// </summary>
public sealed class UserTurnLimiter(IOptions<InboundOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(user =>
        RateLimitPartition.GetFixedWindowLimiter(user, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, options.Value.PerUserPerWindow), Window = options.Value.Window, QueueLimit = 0, AutoReplenishment = true,
        }));

    /// <summary>Null when the user's turn may run now; otherwise how long it waits.</summary>
    public TimeSpan? Wait(string userKey)
    {
        using var lease = _limiter.AttemptAcquire(userKey);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter > TimeSpan.Zero ? retryAfter : options.Value.Window;
    }

    public string Reason => string.Create(CultureInfo.InvariantCulture, $"The user sends more than {options.Value.PerUserPerWindow} messages per {options.Value.Window}; the turn waits.");

    public void Dispose() => _limiter.Dispose();
}
