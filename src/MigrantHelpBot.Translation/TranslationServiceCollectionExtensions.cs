using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Translation;

public static class TranslationServiceCollectionExtensions
{
    /// <summary>
    /// The machine translator (section <c>Translator</c>). <paramref name="localesPath"/> resolves a relative
    /// glossary file. Without <c>Translator:Key</c> nothing is ever sent anywhere.
    /// </summary>
    public static IServiceCollection AddMachineTranslation(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, string> localesPath)
    {
        services.AddOptions<TranslatorOptions>().Bind(configuration.GetSection(TranslatorOptions.Section))
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.MaxRetries >= 0 && o.RetryDelay >= TimeSpan.Zero && o.BreakDuration >= TimeSpan.FromSeconds(0.5)
                && o.BreakerSamplingDuration >= TimeSpan.FromSeconds(0.5) && o.BreakerFailureRatio is > 0 and <= 1 && o.CacheEntries > 0, "Translator settings are out of range.")
            .Validate(o => o.Endpoint is null || o.Endpoint.IsAbsoluteUri && (o.Endpoint.Scheme == Uri.UriSchemeHttps || o.Endpoint.IsLoopback),
                "Translator:Endpoint must be an https URL.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(AzureTranslatorClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan); // Polly times each attempt
        services.AddSingleton<AzureTranslatorClient>();
        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<IOptions<TranslatorOptions>>().Value.GlossaryFile;
            return Glossary.Load(Path.IsPathRooted(file) ? file : Path.Combine(localesPath(sp), file));
        });
        services.AddSingleton<GlossaryProvider>();
        services.AddSingleton<MachineTranslator>();
        return services;
    }
}
