using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Dialogs.Welcome;

namespace MigrantHelpBot.Dialogs;

public static class DialogsServiceCollectionExtensions
{
    /// <summary>The locale catalog (checked at start-up), the welcome dialog as the bot, and the polite error handler.</summary>
    public static IServiceCollection AddDialogs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<LanguageOptions>().Bind(configuration.GetSection(LanguageOptions.Section));
        services.AddSingleton(sp => LocaleCatalog.Load(sp.GetRequiredService<IOptions<LanguageOptions>>().Value));
        services.AddSingleton<IBot, WelcomeBot>();
        services.AddSingleton<ITurnErrorHandler, PoliteErrorHandler>();
        return services;
    }
}
