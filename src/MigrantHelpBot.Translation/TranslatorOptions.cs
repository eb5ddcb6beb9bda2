namespace MigrantHelpBot.Translation;

/// <summary>
/// Configuration section <c>Translator</c> (<c>Translator__Endpoint</c>, <c>Translator__Key</c>,
/// <c>Translator__Region</c> in the environment). Without a key there is no machine translation:
/// staff read the worker's own words, marked "not translated".
/// </summary>
public sealed class TranslatorOptions
{
    public const string Section = "Translator";

    /// <summary>The global endpoint; a regional (<c>api-apc…</c>) or custom-domain (<c>https://{name}.cognitiveservices.azure.com</c>) one works too.</summary>
    public static readonly Uri GlobalEndpoint = new("https://api.cognitive.microsofttranslator.com");

    public Uri? Endpoint { get; set; }

    /// <summary>The resource key (<c>Ocp-Apim-Subscription-Key</c>).</summary>
    public string? Key { get; set; }

    /// <summary>The resource's region (<c>Ocp-Apim-Subscription-Region</c>): needed for regional and multi-service resources.</summary>
    public string? Region { get; set; }

    /// <summary>A Custom Translator category, if the coalition trained one.</summary>
    public string? Category { get; set; }

    /// <summary>How long one HTTP attempt may take (the service's own maximum is about 15 s).</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, on 408, 429, 5xx, timeouts, network errors and unreadable answers.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's delay; later ones double, with jitter.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest <c>Retry-After</c> waited for in place; a longer one fails the call, and the work is tried again later.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The circuit opens when at least this share of the calls in <see cref="BreakerSamplingDuration"/> failed …</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>… and there were at least this many.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit stays open before one call is let through to test the service.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Translations kept in memory (by text hash and language pair).</summary>
    public int CacheEntries { get; set; } = 10_000;

    /// <summary>How long a cached translation is kept.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The key terms file (relative paths are under the locales folder).</summary>
    public string GlossaryFile { get; set; } = Path.Combine("data", "glossary.yaml");

    public bool Configured => !string.IsNullOrWhiteSpace(Key);

    /// <summary>The base of the v3 routes: <c>{endpoint}</c>, or <c>{endpoint}/translator/text/v3.0</c> for a custom domain.</summary>
    public Uri BaseAddress
    {
        get
        {
            var endpoint = Endpoint ?? GlobalEndpoint;
            var text = endpoint.ToString().TrimEnd('/');
            if (endpoint.Host.EndsWith(".cognitiveservices.azure.com", StringComparison.OrdinalIgnoreCase) && endpoint.AbsolutePath.Trim('/').Length == 0)
            {
                text += "/translator/text/v3.0";
            }
            return new Uri(text + "/");
        }
    }
}
