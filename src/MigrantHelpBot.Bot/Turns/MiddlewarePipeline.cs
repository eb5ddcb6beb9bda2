namespace MigrantHelpBot.Bot.Turns;

/// <summary>Runs the middleware in order around the bot's logic.</summary>
internal sealed class MiddlewarePipeline(IReadOnlyList<ITurnMiddleware> middleware)
{
    public Task RunAsync(ITurnContext turn, BotCallback logic, CancellationToken cancellationToken) =>
        RunFrom(0, turn, logic, cancellationToken);

    private Task RunFrom(int index, ITurnContext turn, BotCallback logic, CancellationToken cancellationToken) =>
        index == middleware.Count
            ? logic(turn, cancellationToken)
            : middleware[index].OnTurnAsync(turn, ct => RunFrom(index + 1, turn, logic, ct), cancellationToken);
}
