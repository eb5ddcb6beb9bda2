using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Host;

/// <summary>Configuration section <c>RateLimits</c>: requests per minute, per client address and per user.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Off only for load tests and benchmarks that must measure the service, not the limiter.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Requests a minute from one address to the chat, Direct Line, the connector, triage, the directory and the staff API.
    /// Generous: many workers on one mobile network share an address.
    /// </summary>
    public int PerAddressPerMinute { get; set; } = 3000;

    /// <summary>Requests a minute from one address to the LINE and Messenger webhooks: the platforms send every user's events from few addresses.</summary>
    public int WebhookPerAddressPerMinute { get; set; } = 60_000;

    /// <summary>Requests a minute from one user: a Direct Line conversation, a staff sign-in or API key.</summary>
    public int PerUserPerMinute { get; set; } = 300;

    /// <summary>Sign-in attempts a minute from one address (on top of the account lockout).</summary>
    public int SignInPerAddressPerMinute { get; set; } = 10;
}

/// <summary>
/// Abuse limits on every public endpoint (ASP.NET Core's rate limiter): a fixed window per client
/// address and one per user (the Direct Line conversation, or the bearer token or API key), chained; a
/// stricter one for sign-in. Over a limit: 429 with <c>Retry-After</c> and a ProblemDetails body; nothing
/// is stored. <c>/healthz</c> and the static pages are not limited.
/// </summary>
public static class RateLimits
{
    public static IServiceCollection AddAbuseLimits(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section))
            .Validate(o => o.PerAddressPerMinute > 0 && o.WebhookPerAddressPerMinute > 0 && o.PerUserPerMinute > 0 && o.SignInPerAddressPerMinute > 0,
                "RateLimits values must be positive.")
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        services.AddSingleton<IConfigureOptions<RateLimiterOptions>, ChainedLimiter>();
        return services;
    }

    /// <summary>Builds the global limiter from <see cref="RateLimitOptions"/> (resolved when the host starts).</summary>
    private sealed class ChainedLimiter(IOptions<RateLimitOptions> options) : IConfigureOptions<RateLimiterOptions>
    {
        public void Configure(RateLimiterOptions limiter)
        {
            var limits = options.Value;
            if (!limits.Enabled) return;
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context => Kind(context) switch
                {
                    Limited.No => RateLimitPartition.GetNoLimiter("none"),
                    Limited.Webhook => Window("webhook:" + Address(context), limits.WebhookPerAddressPerMinute),
                    Limited.SignIn => Window("signin:" + Address(context), limits.SignInPerAddressPerMinute),
                    _ => Window("address:" + Address(context), limits.PerAddressPerMinute),
                }),
                PartitionedRateLimiter.Create<HttpContext, string>(context => Kind(context) is Limited.Address && User(context) is { } user
                    ? Window("user:" + user, limits.PerUserPerMinute)
                    : RateLimitPartition.GetNoLimiter("none")));
        }
    }

    private enum Limited { No, Address, Webhook, SignIn }

    private static Limited Kind(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/healthz") || !(path.StartsWithSegments("/api") || path.StartsWithSegments("/v3"))) return Limited.No;
        if (path.StartsWithSegments("/api/line/webhook") || path.StartsWithSegments("/api/messenger/webhook")) return Limited.Webhook;
        if (path.StartsWithSegments("/api/staff/token")) return Limited.SignIn;
        return Limited.Address;
    }

    private static RateLimitPartition<string> Window(string key, int perMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });

    private static string Address(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    /// <summary>Who is asking beyond the address: the Direct Line conversation in the path, else a hash of the bearer token or API key.</summary>
    private static string? User(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        const string conversations = "/v3/directline/conversations/";
        if (path.StartsWith(conversations, StringComparison.OrdinalIgnoreCase))
        {
            var rest = path[conversations.Length..];
            var slash = rest.IndexOf('/', StringComparison.Ordinal);
            return "conversation:" + (slash < 0 ? rest : rest[..slash]);
        }
        var credential = context.Request.Headers.Authorization.ToString();
        if (credential.Length == 0) credential = context.Request.Headers["X-Api-Key"].ToString();
        return credential.Length == 0 ? null : "credential:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(credential)))[..24];
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(60);
        var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(
            detail: $"Too many requests. Try again in {seconds} seconds.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.").ExecuteAsync(rejected.HttpContext);
    }
}
