using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Bot.Turns;

/// <summary>
/// Runs turns: one at a time per conversation in this process; load state → middleware and bot,
/// with outgoing activities buffered → save state, log and outbox in one commit → release the
/// activities. A turn whose commit loses an eTag race is re-run on fresh state, never overwritten.
/// </summary>
public sealed partial class TurnRunner
{
    private readonly IStateStore _store;
    private readonly IBot _bot;
    private readonly MiddlewarePipeline _pipeline;
    private readonly ITurnErrorHandler? _errorHandler;
    private readonly IServiceScopeFactory _scopes;
    private readonly TurnOptions _options;
    private readonly ILogger<TurnRunner> _logger;
    private readonly KeyedLock _locks = new();
    private readonly StateCache _cache;

    public TurnRunner(
        IStateStore store,
        IBot bot,
        IEnumerable<ITurnMiddleware> middleware,
        IEnumerable<ITurnErrorHandler> errorHandlers,
        IServiceScopeFactory scopes,
        IOptions<TurnOptions> options,
        ILogger<TurnRunner> logger)
    {
        _store = store;
        _bot = bot;
        _pipeline = new MiddlewarePipeline([.. middleware]);
        _errorHandler = errorHandlers.LastOrDefault();
        _scopes = scopes;
        _options = options.Value;
        _logger = logger;
        _cache = new StateCache(_options.StateCacheEntries);
    }

    public Task<TurnResult> RunAsync(Activity activity, ITurnDelivery delivery, CancellationToken cancellationToken) =>
        RunAsync(activity, delivery, _bot.OnTurnAsync, cancellationToken);

    /// <summary>Runs <paramref name="logic"/> (through the middleware) as the turn for <paramref name="activity"/>.</summary>
    public async Task<TurnResult> RunAsync(Activity activity, ITurnDelivery delivery, BotCallback logic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var conversationKey = StateKeys.Conversation(activity);
        var userKey = activity.From?.Id is { Length: > 0 } userId ? StateKeys.User(activity.ChannelId ?? string.Empty, userId) : null;

        using var held = await _locks.AcquireAsync(conversationKey, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            var conversationItem = await LoadAsync(conversationKey, cancellationToken);
            var userItem = userKey is null ? null : await LoadAsync(userKey, cancellationToken);
            var conversation = NewState(conversationKey, conversationItem);
            var user = NewState(userKey ?? string.Empty, userItem);

            var bookkeeping = conversation.Get(TurnBookkeeping.Property);
            if (activity.Id is { Length: > 0 } id && bookkeeping.RecentActivityIds.Contains(id))
            {
                LogDuplicate(conversationKey);
                return new TurnResult([], Duplicate: true, attempt);
            }

            await using var turn = new TurnContext(activity, conversation, user, _scopes);
            var failure = await RunLogicAsync(turn, logic, cancellationToken);
            var finished = turn;
            TurnContext? errorTurn = null;
            if (failure is not null)
            {
                // Discard whatever the failed turn changed; answer from a clean copy of the state.
                errorTurn = new TurnContext(activity, NewState(conversationKey, conversationItem), NewState(userKey ?? string.Empty, userItem), _scopes);
                await HandleErrorAsync(errorTurn, failure, cancellationToken);
                finished = errorTurn;
            }

            try
            {
                var commit = new StateCommit();
                if (finished.ErasureRequested)
                {
                    // Nothing of the conversation is kept, not even where it was or which messages came.
                    commit.Erasures.Add(conversationKey);
                }
                else
                {
                    Remember(finished.ConversationState, activity);
                }
                var writes = StageState(commit, finished.ConversationState, finished.UserState);
                commit.Events.AddRange(finished.Events);
                delivery.Stage(activity, finished.Outgoing, commit);

                if (!commit.IsEmpty)
                {
                    try
                    {
                        await _store.CommitAsync(commit, CancellationToken.None);
                    }
                    catch (ETagConflictException conflict)
                    {
                        _cache.Remove(conversationKey);
                        if (userKey is not null) _cache.Remove(userKey);
                        LogConflict(conversationKey, conflict.Key, attempt);
                        if (attempt >= _options.MaxAttempts) throw new TurnConflictException(conversationKey, attempt);
                        await Task.Delay(Random.Shared.Next(1, Math.Min(50, 1 << Math.Min(attempt, 5)) + 1), cancellationToken);
                        continue;
                    }
                    catch
                    {
                        // The outcome is unknown: forget what we think is stored.
                        _cache.Remove(conversationKey);
                        if (userKey is not null) _cache.Remove(userKey);
                        throw;
                    }
                }

                foreach (var write in writes)
                {
                    _cache.Set(write.Key, write.Json is null ? null : new StoreItem(write.Key, write.Json, write.NewETag));
                }
                delivery.Committed(activity, finished.Outgoing, commit);
                return new TurnResult(finished.Outgoing, Duplicate: false, attempt);
            }
            finally
            {
                if (errorTurn is not null) await errorTurn.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Sends from the bot into an existing conversation (a staff reply, a reminder). Give
    /// <paramref name="activityId"/> to make a retried send land once: a turn with an id the
    /// conversation has seen recently is dropped as a duplicate.
    /// </summary>
    public Task<TurnResult> ContinueConversationAsync(ConversationReference reference, ITurnDelivery delivery, BotCallback logic, CancellationToken cancellationToken, string? activityId = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var activity = new Activity
        {
            Id = activityId,
            Type = ActivityTypes.Event,
            Name = "ContinueConversation",
            ChannelId = reference.ChannelId,
            ServiceUrl = reference.ServiceUrl,
            Conversation = reference.Conversation,
            From = reference.User,
            Recipient = reference.Bot,
            Locale = reference.Locale,
            Timestamp = DateTimeOffset.UtcNow,
        };
        return RunAsync(activity, delivery, logic, cancellationToken);
    }

    /// <summary>The reference stored by the conversation's last turn, or null.</summary>
    public async Task<ConversationReference?> GetConversationReferenceAsync(string conversationKey, CancellationToken cancellationToken)
    {
        var item = await _store.ReadAsync(conversationKey, cancellationToken);
        var state = NewState(conversationKey, item);
        return state.TryGet(TurnBookkeeping.Property, out var bookkeeping) ? bookkeeping.Reference : null;
    }

    private async Task<StoreItem?> LoadAsync(string key, CancellationToken cancellationToken)
    {
        if (_cache.TryGet(key, out var cached)) return cached;
        var item = await _store.ReadAsync(key, cancellationToken);
        _cache.Set(key, item);
        return item;
    }

    private static BotState NewState(string key, StoreItem? item) => new(key, item?.Json, item?.ETag);

    private async Task<Exception?> RunLogicAsync(TurnContext turn, BotCallback logic, CancellationToken cancellationToken)
    {
        try
        {
            await _pipeline.RunAsync(turn, logic, cancellationToken);
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    private async Task HandleErrorAsync(TurnContext turn, Exception failure, CancellationToken cancellationToken)
    {
        LogTurnFailed(failure, turn.Activity.ChannelId, turn.Activity.Type);
        if (_errorHandler is null) return;
        try
        {
            await _errorHandler.OnTurnErrorAsync(turn, failure, cancellationToken);
        }
        catch (Exception handlerFailure) when (handlerFailure is not OperationCanceledException)
        {
            turn.ClearOutgoing();
            LogErrorHandlerFailed(handlerFailure);
        }
    }

    private void Remember(BotState conversation, Activity activity)
    {
        var bookkeeping = conversation.Get(TurnBookkeeping.Property);
        if (activity.Type != ActivityTypes.Event || activity.Name != "ContinueConversation")
        {
            var reference = activity.GetConversationReference();
            if (bookkeeping.Reference is null || !SameAddress(bookkeeping.Reference, reference)) bookkeeping.Reference = reference;
        }
        if (activity.Id is { Length: > 0 } id && _options.RecentActivityIds > 0)
        {
            bookkeeping.RecentActivityIds.Add(id);
            var excess = bookkeeping.RecentActivityIds.Count - _options.RecentActivityIds;
            if (excess > 0) bookkeeping.RecentActivityIds.RemoveRange(0, excess);
        }
    }

    private static bool SameAddress(ConversationReference a, ConversationReference b) =>
        a.ServiceUrl == b.ServiceUrl && a.ChannelId == b.ChannelId && a.Conversation?.Id == b.Conversation?.Id
        && a.User?.Id == b.User?.Id && a.Bot?.Id == b.Bot?.Id && a.Locale == b.Locale;

    private static List<StateWrite> StageState(StateCommit commit, params BotState[] states)
    {
        foreach (var state in states)
        {
            if (state.Key.Length == 0) continue;
            var json = state.SerializeIfChanged();
            if (json is null) continue;
            commit.Writes.Add(new StateWrite(state.Key, state.ETag, json.Length == 0 ? null : json, ETags.New()));
        }
        return commit.Writes;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A turn failed (channel {ChannelId}, activity type {ActivityType}); the user was told and the turn's state changes were discarded.")]
    private partial void LogTurnFailed(Exception exception, string? channelId, string? activityType);

    [LoggerMessage(Level = LogLevel.Error, Message = "The turn error handler failed too.")]
    private partial void LogErrorHandlerFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Turn on {ConversationKey} lost the eTag race on {Key} (attempt {Attempt}); re-running.")]
    private partial void LogConflict(string conversationKey, string key, int attempt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Dropped a redelivered activity on {ConversationKey}.")]
    private partial void LogDuplicate(string conversationKey);
}
