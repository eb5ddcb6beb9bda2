using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Dialogs;

public static class DialogsServiceCollectionExtensions
{
    /// <summary>
    /// The texts (locales/), the flows (dialogs/), the data they quote, the triage classifier, and the
    /// dialog engine as the bot. Everything is loaded and checked at start-up: a missing text key or
    /// a broken flow stops the host with the list of problems.
    /// </summary>
    public static IServiceCollection AddDialogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<LanguageOptions>().Bind(configuration.GetSection(LanguageOptions.Section));
        services.AddOptions<DialogOptions>().Bind(configuration.GetSection(DialogOptions.Section));
        services.AddSingleton(sp => LocaleCatalog.Load(sp.GetRequiredService<IOptions<LanguageOptions>>().Value));
        services.AddSingleton(sp => ContentFiles.Prefectures(LocalesPath(sp)));
        services.AddSingleton(sp => ContentFiles.MinimumWages(LocalesPath(sp)));
        services.AddSingleton<MyanmarText>();
        services.AddSingleton(sp => ContentFiles.Classifier(LocalesPath(sp), sp.GetRequiredService<MyanmarText>()));
        services.AddSingleton(sp =>
        {
            var flows = FlowCatalog.Load(sp.GetRequiredService<IOptions<DialogOptions>>().Value.ResolvedPath);
            var problems = FlowValidator.Validate(flows, sp.GetRequiredService<LocaleCatalog>(), DialogRun.Actions, Commands.Names);
            return problems.Count == 0 ? flows : throw new InvalidDataException("The dialogs are not valid:\n- " + string.Join("\n- ", problems));
        });
        services.AddSingleton<Commands>();
        services.AddSingleton<IBot, DialogEngine>();
        services.AddSingleton<ITurnErrorHandler, PoliteErrorHandler>();
        services.AddTurnMiddleware<WorkerTextMiddleware>();
        return services;
    }

    private static string LocalesPath(IServiceProvider services) => services.GetRequiredService<IOptions<LanguageOptions>>().Value.ResolvedPath;
}
