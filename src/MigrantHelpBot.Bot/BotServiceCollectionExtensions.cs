using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrantHelpBot.Bot.Turns;

namespace MigrantHelpBot.Bot;

public static class BotServiceCollectionExtensions
{
    /// <summary>Registers the turn runtime. Middleware runs in the order it is added with <see cref="AddTurnMiddleware{T}"/>.</summary>
    public static IServiceCollection AddTurnRuntime(this IServiceCollection services)
    {
        services.AddOptions<TurnOptions>();
        services.TryAddSingleton<TurnRunner>();
        return services;
    }

    public static IServiceCollection AddTurnMiddleware<T>(this IServiceCollection services) where T : class, ITurnMiddleware
    {
        services.AddSingleton<ITurnMiddleware, T>();
        return services;
    }
}
