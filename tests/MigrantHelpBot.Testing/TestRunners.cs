using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;

namespace MigrantHelpBot.Testing;

/// <summary>A <see cref="TurnRunner"/> wired as the host wires it, for tests and benchmarks.</summary>
public static class TestRunners
{
    public static TurnRunner Create(
        IStateStore store,
        IBot bot,
        IEnumerable<ITurnMiddleware>? middleware = null,
        ITurnErrorHandler? errorHandler = null,
        TurnOptions? options = null,
        IServiceProvider? services = null) =>
        new(store, bot, middleware ?? [], errorHandler is null ? [] : [errorHandler],
            (services ?? new ServiceCollection().BuildServiceProvider()).GetRequiredService<IServiceScopeFactory>(),
            Options.Create(options ?? new TurnOptions()), NullLogger<TurnRunner>.Instance);
}
