using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MigrantHelpBot.Bot.Turns;

namespace MigrantHelpBot.Bot;

public static class BotServiceCollectionExtensions
{
    /// <summary>Registers the turn runtime. Middleware runs in the order it is added with <see cref="AddMiddleware{T}"/>.</summary>
    public static IServiceCollection AddTurnRuntime(this IServiceCollection services)
    {
        services.AddOptions<TurnOptions>();
        services.TryAddSingleton<TurnRunner>();
        return services;
    }

    public static IServiceCollection AddMiddleware<T>(this IServiceCollection services) where T : class, IMiddleware
    {
        services.AddSingleton<IMiddleware, T>();
        return services;
    }
}
