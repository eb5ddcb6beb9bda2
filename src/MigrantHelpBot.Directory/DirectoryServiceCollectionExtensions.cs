using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Dialogs;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Directory.Access;
using MigrantHelpBot.Directory.Api;
using MigrantHelpBot.Directory.Client;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Directory.Organizations;

namespace MigrantHelpBot.Directory;

public static class DirectoryServiceCollectionExtensions
{
    /// <summary>
    /// The directory as configured: in this process (stores, matcher, the API, the sample loaded on
    /// first run), or a client of a standalone directory with a last-known-good snapshot. Needs storage.
    /// </summary>
    public static IServiceCollection AddDirectory(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DirectoryOptions>().Bind(configuration.GetSection(DirectoryOptions.Section))
            .Validate(o => o.Mode != DirectoryMode.Remote || o.Url is { IsAbsoluteUri: true }, "Directory:Url (absolute) is required when Directory:Mode is Remote.")
            .Validate(o => o.Mode != DirectoryMode.Remote || !string.IsNullOrWhiteSpace(o.ApiKey), "Directory:ApiKey is required when Directory:Mode is Remote.")
            .Validate(o => o.AttemptTimeout > TimeSpan.Zero && o.MaxRetries is >= 0 and <= 10 && o.SnapshotInterval >= TimeSpan.FromMilliseconds(100), "Directory timeouts, retries or snapshot interval are out of range.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // The texts and the prefectures come from the locales folder the dialogs use (Languages:Path).
        services.TryAddSingleton(sp => ContentFiles.Prefectures(LocalesPath(sp)));
        services.AddSingleton(sp => RoutingTexts.Load(sp.GetRequiredService<IOptions<DirectoryOptions>>().Value.ResolvedTextsFile(LocalesPath(sp))));
        services.AddSingleton<Matcher>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<OrganizationStore>();
        services.AddSingleton<GapStore>();

        // The mode is read when services are resolved (configuration may still change until the host is built).
        services.AddSingleton<LocalDirectory>();
        services.AddSingleton<DirectorySnapshot>();
        services.AddSingleton<RemoteDirectory>();
        services.AddHttpClient(RemoteDirectory.HttpClientName, (sp, client) =>
        {
            client.BaseAddress = sp.GetRequiredService<IOptions<DirectoryOptions>>().Value.Url;
            client.Timeout = Timeout.InfiniteTimeSpan; // Polly times each attempt
        });
        services.AddSingleton<IDirectory>(sp => sp.KeepsDirectory() ? sp.GetRequiredService<LocalDirectory>() : sp.GetRequiredService<RemoteDirectory>());
        services.AddHostedService<SeedOnFirstRun>();
        services.AddHostedService<SnapshotRefresher>();

        services.AddAuthentication(ApiKeyAuthentication.SchemeName).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(DirectoryApi.ReaderPolicy, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(DirectoryApi.AdminPolicy, policy => policy.RequireRole("admin"));
        return services;
    }

    /// <summary>Read when resolved, not bound again: binding LanguageOptions a second time would append its lists twice.</summary>
    private static string LocalesPath(IServiceProvider services) =>
        new LanguageOptions { Path = services.GetRequiredService<IConfiguration>()[$"{LanguageOptions.Section}:{nameof(LanguageOptions.Path)}"] }.ResolvedPath;

    /// <summary>Whether this process keeps the directory (and so serves its API).</summary>
    public static bool KeepsDirectory(this IServiceProvider services) =>
        services.GetRequiredService<IOptions<DirectoryOptions>>().Value.Mode == DirectoryMode.InProcess;
}
