using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Channels.Outbox;
using MigrantHelpBot.Handoff.Api;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Notifications;
using MigrantHelpBot.Handoff.Relay;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Handoff.Translations;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Handoff;

public static class HandoffServiceCollectionExtensions
{
    /// <summary>
    /// Cases, the relay middleware (add after the dialogs, so it runs inside the worker-text edge),
    /// the background worker, webhook notifications, staff accounts and the staff API's authentication.
    /// Needs storage, channels, dialogs, the directory and machine translation (which may be unconfigured).
    /// </summary>
    public static IServiceCollection AddHandoff(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HandoffOptions>().Bind(configuration.GetSection(HandoffOptions.Section))
            .Validate(o => o.EmergencyOfferTimeout > TimeSpan.Zero && o.OfferTimeout > TimeSpan.Zero && o.SweepInterval > TimeSpan.Zero
                && o.TokenLifetime > TimeSpan.Zero && o.LockoutThreshold > 0 && o.WebhookTimeout > TimeSpan.Zero && o.TranslationHold >= TimeSpan.Zero && o.CaseRetention > TimeSpan.Zero && o.RetentionSweepInterval > TimeSpan.Zero, "Handoff timeouts must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CaseStore>();
        services.AddSingleton<OrganizationLookup>();
        services.AddSingleton<HandoffSignal>();
        services.AddSingleton<CaseService>();
        services.AddSingleton<CaseViews>();
        services.AddSingleton<StaffStore>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<IOutboxSender, WebhookSender>();
        services.AddSingleton<IOutboxFailureObserver, FailedDeliveries>();
        services.AddHttpClient(WebhookSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.AddTurnMiddleware<HandoffMiddleware>();
        services.AddHostedService<HandoffWorker>();
        services.AddSingleton<CaseTranslations>();
        services.AddSingleton<IGlossaryTerms, OrganizationTerms>();
        services.AddHostedService<TranslationWorker>();
        services.AddHostedService<DemoAccount>();

        // One bearer scheme: a staff sign-in token (mhs_…) or an API key (mhb_… or X-Api-Key).
        services.AddAuthentication(StaffTokenAuthentication.PolicyScheme)
            .AddScheme<AuthenticationSchemeOptions, StaffTokenAuthentication>(StaffTokenAuthentication.SchemeName, null)
            .AddPolicyScheme(StaffTokenAuthentication.PolicyScheme, "Staff token or API key", o => o.ForwardDefaultSelector = StaffTokenAuthentication.Select);
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffApi.StaffPolicy, policy => policy.RequireRole(StaffStore.StaffRole, StaffStore.Admin))
            .AddPolicy(StaffApi.AdminPolicy, policy => policy.RequireRole(StaffStore.Admin));
        return services;
    }
}
