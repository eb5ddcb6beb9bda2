using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Bot.Turns;

/// <summary>The bot's logic for one turn.</summary>
public interface IBot
{
    Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken);
}

public delegate Task NextDelegate(CancellationToken cancellationToken);

public delegate Task BotCallback(ITurnContext turn, CancellationToken cancellationToken);

/// <summary>A step around the bot, run in registration order (the first registered is outermost).</summary>
public interface ITurnMiddleware
{
    Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken);
}

/// <summary>Answers the user when a turn throws. The turn's state changes are discarded before it runs.</summary>
public interface ITurnErrorHandler
{
    Task OnTurnErrorAsync(ITurnContext turn, Exception exception, CancellationToken cancellationToken);
}

/// <summary>Everything a turn can see and do.</summary>
public interface ITurnContext
{
    Activity Activity { get; }

    BotState ConversationState { get; }

    BotState UserState { get; }

    /// <summary>Services scoped to this turn.</summary>
    IServiceProvider Services { get; }

    /// <summary>Values middleware hands to later middleware and the bot during this turn.</summary>
    IDictionary<object, object?> Items { get; }

    /// <summary>The activities this turn will send once its state is saved.</summary>
    IReadOnlyList<Activity> Outgoing { get; }

    bool Responded { get; }

    /// <summary>Queues <paramref name="activity"/>; it is sent only if the turn commits.</summary>
    void Send(Activity activity);

    /// <summary>Drops everything queued so far (the error handler starts from a clean slate).</summary>
    void ClearOutgoing();

    /// <summary>Records an event; it is committed with the turn's state, or not at all.</summary>
    void Record(DomainEvent domainEvent);

    /// <summary>The events this turn will commit.</summary>
    IReadOnlyList<DomainEvent> Events { get; }

    /// <summary>
    /// Deletes this conversation's activity log and events when the turn commits (the worker asked to
    /// delete their data); clear <see cref="ConversationState"/> and <see cref="UserState"/> as well.
    /// </summary>
    void EraseConversationData();

    bool ErasureRequested { get; }
}

/// <summary>
/// How a channel delivers a turn's activities. <see cref="Stage"/> adds what delivery needs to the
/// turn's commit (log rows, outbox rows), so they land with the state or not at all.
/// </summary>
public interface ITurnDelivery
{
    void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit);

    /// <summary>Runs after the commit; must not fail the turn.</summary>
    void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit);
}

/// <summary>What a finished turn produced.</summary>
public sealed record TurnResult(IReadOnlyList<Activity> Outgoing, bool Duplicate, int Attempts);
