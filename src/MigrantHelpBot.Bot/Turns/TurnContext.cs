using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Bot.Turns;

internal sealed class TurnContext(
    Activity activity,
    BotState conversationState,
    BotState userState,
    IServiceScopeFactory scopes) : ITurnContext, IAsyncDisposable
{
    private readonly List<Activity> _outgoing = [];
    private readonly List<DomainEvent> _events = [];
    private AsyncServiceScope? _scope;
    private Dictionary<object, object?>? _items;

    public Activity Activity { get; } = activity;
    public BotState ConversationState { get; } = conversationState;
    public BotState UserState { get; } = userState;
    public IServiceProvider Services => (_scope ??= scopes.CreateAsyncScope()).ServiceProvider;
    public IDictionary<object, object?> Items => _items ??= [];
    public IReadOnlyList<Activity> Outgoing => _outgoing;
    public bool Responded => _outgoing.Count > 0;

    public void Send(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        activity.Type ??= ActivityTypes.Message;
        activity.ChannelId ??= Activity.ChannelId;
        activity.ServiceUrl ??= Activity.ServiceUrl;
        activity.Conversation ??= Activity.Conversation;
        activity.From ??= Activity.Recipient;
        activity.Recipient ??= Activity.From;
        activity.Timestamp ??= DateTimeOffset.UtcNow;
        if (activity.ReplyToId is null && Activity.Type != ActivityTypes.Event) activity.ReplyToId = Activity.Id;
        _outgoing.Add(activity);
    }

    public void ClearOutgoing() => _outgoing.Clear();

    public IReadOnlyList<DomainEvent> Events => _events;

    public void Record(DomainEvent domainEvent)
    {
        ArgumentNullException.ThrowIfNull(domainEvent);
        _events.Add(domainEvent);
    }

    public bool ErasureRequested { get; private set; }

    public void EraseConversationData() => ErasureRequested = true;

    public ValueTask DisposeAsync() => _scope?.DisposeAsync() ?? ValueTask.CompletedTask;
}
