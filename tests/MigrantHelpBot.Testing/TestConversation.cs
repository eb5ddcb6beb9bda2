using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;

namespace MigrantHelpBot.Testing;

/// <summary>
/// Talks to a bot through the real turn runtime, one line per turn:
/// <c>var replies = await conversation.SendAsync("hi");</c>.
/// </summary>
public sealed class TestConversation
{
    private int _next;

    public TestConversation(IBot bot, IStateStore? store = null, IEnumerable<ITurnMiddleware>? middleware = null,
        ITurnErrorHandler? errorHandler = null, string conversationId = "conversation", string userId = "worker", string? locale = null)
    {
        Store = store ?? new MemoryStateStore();
        ConversationId = conversationId;
        UserId = userId;
        Locale = locale;
        Runner = TestRunners.Create(Store, bot, middleware, errorHandler);
    }

    public IStateStore Store { get; }
    public TurnRunner Runner { get; }
    public string ConversationId { get; }
    public string UserId { get; }
    public string? Locale { get; set; }
    public string ChannelId { get; init; } = "test";

    public Task<IReadOnlyList<Activity>> SendAsync(string text) => SendAsync(NewActivity(ActivityTypes.Message, text));

    /// <summary>The worker opens the chat (a conversationUpdate adding them).</summary>
    public Task<IReadOnlyList<Activity>> JoinAsync()
    {
        var activity = NewActivity(ActivityTypes.ConversationUpdate, null);
        activity.MembersAdded = [new ChannelAccount { Id = UserId }];
        return SendAsync(activity);
    }

    public async Task<IReadOnlyList<Activity>> SendAsync(Activity activity)
    {
        var result = await Runner.RunAsync(activity, ExpectReplies.Instance, CancellationToken.None);
        return result.Outgoing;
    }

    public Activity NewActivity(string type, string? text) => new()
    {
        Type = type,
        Id = $"activity-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}",
        ChannelId = ChannelId,
        ServiceUrl = "http://127.0.0.1/test",
        Conversation = new ConversationAccount { Id = ConversationId },
        From = new ChannelAccount { Id = UserId, Role = "user" },
        Recipient = new ChannelAccount { Id = "bot", Role = "bot" },
        Text = text,
        Locale = Locale,
        Timestamp = DateTimeOffset.UtcNow,
    };

    private sealed class ExpectReplies : ITurnDelivery
    {
        public static readonly ExpectReplies Instance = new();
        public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) { }
        public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) { }
    }
}

public static class ActivityAssertions
{
    /// <summary>The texts of the message activities, in order.</summary>
    public static List<string> Texts(this IEnumerable<Activity> activities) =>
        [.. activities.Where(a => a.Type == ActivityTypes.Message).Select(a => a.Text ?? string.Empty)];

    /// <summary>The titles of the last activity's suggested actions.</summary>
    public static List<string> Buttons(this IEnumerable<Activity> activities) =>
        [.. activities.LastOrDefault(a => a.SuggestedActions is not null)?.SuggestedActions?.Actions?.Select(a => a.Title ?? string.Empty) ?? []];
}
