using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Testing;
using Moq;

namespace MigrantHelpBot.Bot.Tests;

public class TurnRuntimeTests
{
    [Fact]
    public async Task Middleware_runs_in_registration_order_around_the_bot()
    {
        var calls = new List<string>();
        var conversation = new TestConversation(
            new LambdaBot((turn, _) => { calls.Add("bot"); return Task.CompletedTask; }),
            middleware: [new Recording("first", calls), new Recording("second", calls), new Recording("third", calls)]);

        await conversation.SendAsync("hi");

        Assert.Equal(["first:before", "second:before", "third:before", "bot", "third:after", "second:after", "first:after"], calls);
    }

    [Fact]
    public async Task Middleware_can_end_a_turn_without_calling_the_bot()
    {
        var botCalled = false;
        var conversation = new TestConversation(
            new LambdaBot((_, _) => { botCalled = true; return Task.CompletedTask; }),
            middleware: [new ShortCircuit()]);

        var replies = await conversation.SendAsync("hi");

        Assert.False(botCalled);
        Assert.Equal(["stopped"], replies.Texts());
    }

    [Fact]
    public async Task Replies_are_released_only_after_the_state_commit()
    {
        var log = new List<string>();
        var store = new Mock<IStateStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((StoreItem?)null);
        store.Setup(s => s.CommitAsync(It.IsAny<StateCommit>(), It.IsAny<CancellationToken>()))
            .Callback<StateCommit, CancellationToken>((commit, _) => log.Add($"commit:{commit.Writes.Count} writes,{commit.LogAppends.Count} log"))
            .Returns(Task.CompletedTask);
        var runner = Runner(store.Object, new LambdaBot((turn, _) =>
        {
            turn.ConversationState.Get(Counter.Property).Value++;
            turn.Send(turn.Activity.CreateReply("one"));
            turn.Send(turn.Activity.CreateReply("two"));
            log.Add("bot sent 2 (buffered)");
            return Task.CompletedTask;
        }));

        var delivery = new RecordingDelivery(log);
        var result = await runner.RunAsync(Message("c1", "a1", "hi"), delivery, CancellationToken.None);

        Assert.Equal(["bot sent 2 (buffered)", "stage:2", "commit:1 writes,1 log", "committed:2"], log);
        Assert.Equal(["one", "two"], result.Outgoing.Texts());
    }

    [Fact]
    public async Task A_failed_commit_releases_nothing()
    {
        var store = new Mock<IStateStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((StoreItem?)null);
        store.Setup(s => s.CommitAsync(It.IsAny<StateCommit>(), It.IsAny<CancellationToken>())).ThrowsAsync(new StorageUnavailableException("down"));
        var runner = Runner(store.Object, new LambdaBot((turn, _) => { turn.Send(turn.Activity.CreateReply("never")); return Task.CompletedTask; }));
        var log = new List<string>();

        await Assert.ThrowsAsync<StorageUnavailableException>(() => runner.RunAsync(Message("c1", "a1", "hi"), new RecordingDelivery(log), CancellationToken.None));

        Assert.DoesNotContain(log, l => l.StartsWith("committed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_turn_that_loses_the_etag_race_is_rerun_on_fresh_state_and_sends_only_the_rerun()
    {
        var store = new MemoryStateStore();
        var runs = 0;
        var bot = new LambdaBot(async (turn, _) =>
        {
            var counter = turn.ConversationState.Get(Counter.Property);
            runs++;
            if (runs == 1)
            {
                // Another replica commits this conversation while our first run is in flight.
                var other = Runner(store, new LambdaBot((t, _) => { t.ConversationState.Get(Counter.Property).Value += 10; return Task.CompletedTask; }));
                await other.RunAsync(Message("c1", "other", "x"), NoDelivery.Instance, CancellationToken.None);
            }
            counter.Value++;
            turn.Send(turn.Activity.CreateReply($"run {runs} saw {counter.Value}"));
        });
        var runner = Runner(store, bot);

        var result = await runner.RunAsync(Message("c1", "a1", "hi"), NoDelivery.Instance, CancellationToken.None);

        Assert.Equal(2, result.Attempts);
        Assert.Equal(["run 2 saw 11"], result.Outgoing.Texts());
        var stored = await StoredState(store, "test/conversations/c1");
        Assert.Equal(11, stored.Get(Counter.Property).Value);
    }

    [Fact]
    public async Task A_turn_that_always_loses_gives_up_with_a_conflict_instead_of_overwriting()
    {
        var store = new Mock<IStateStore>();
        store.Setup(s => s.ReadAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).ReturnsAsync((StoreItem?)null);
        store.Setup(s => s.CommitAsync(It.IsAny<StateCommit>(), It.IsAny<CancellationToken>())).ThrowsAsync(new ETagConflictException("k"));
        var runner = Runner(store.Object, new LambdaBot((turn, _) => { turn.ConversationState.Get(Counter.Property).Value++; return Task.CompletedTask; }), maxAttempts: 3);

        await Assert.ThrowsAsync<TurnConflictException>(() => runner.RunAsync(Message("c1", "a1", "hi"), NoDelivery.Instance, CancellationToken.None));

        store.Verify(s => s.CommitAsync(It.IsAny<StateCommit>(), It.IsAny<CancellationToken>()), Times.Exactly(3));
    }

    [Fact]
    public async Task Parallel_turns_on_one_conversation_lose_no_update()
    {
        var store = new MemoryStateStore();
        var runner = Runner(store, new LambdaBot((turn, _) => { turn.ConversationState.Get(Counter.Property).Value++; return Task.CompletedTask; }));

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => runner.RunAsync(Message("c1", $"a{i}", "x"), NoDelivery.Instance, CancellationToken.None))));

        Assert.Equal(50, (await StoredState(store, "test/conversations/c1")).Get(Counter.Property).Value);
    }

    [Fact]
    public async Task When_the_bot_throws_its_state_changes_are_discarded_and_the_error_handler_answers()
    {
        var store = new MemoryStateStore();
        var conversation = new TestConversation(
            new LambdaBot((turn, _) =>
            {
                turn.ConversationState.Get(Counter.Property).Value++;
                turn.Send(turn.Activity.CreateReply("half-done"));
                if (turn.Activity.Text == "boom") throw new InvalidOperationException("bug");
                return Task.CompletedTask;
            }),
            store,
            errorHandler: new LambdaErrorHandler((turn, _) => turn.Send(turn.Activity.CreateReply("sorry"))));

        await conversation.SendAsync("fine");
        var replies = await conversation.SendAsync("boom");

        Assert.Equal(["sorry"], replies.Texts());
        Assert.Equal(1, (await StoredState(store, "test/conversations/conversation")).Get(Counter.Property).Value);
    }

    [Fact]
    public async Task Without_an_error_handler_a_failing_turn_sends_nothing_and_does_not_throw()
    {
        var conversation = new TestConversation(new LambdaBot((_, _) => throw new InvalidOperationException("bug")));

        var replies = await conversation.SendAsync("hi");

        Assert.Empty(replies);
    }

    [Fact]
    public async Task A_redelivered_activity_is_not_processed_twice()
    {
        var runs = 0;
        var conversation = new TestConversation(new LambdaBot((turn, _) => { runs++; turn.Send(turn.Activity.CreateReply("ok")); return Task.CompletedTask; }));
        var activity = conversation.NewActivity(ActivityTypes.Message, "hi");

        var first = await conversation.Runner.RunAsync(activity, NoDelivery.Instance, CancellationToken.None);
        var again = await conversation.Runner.RunAsync(activity, NoDelivery.Instance, CancellationToken.None);

        Assert.Equal(1, runs);
        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Empty(again.Outgoing);
    }

    [Fact]
    public async Task A_proactive_message_uses_the_stored_conversation_reference()
    {
        var conversation = new TestConversation(new LambdaBot((turn, _) => Task.CompletedTask)) { Locale = "km" };
        await conversation.SendAsync("hi");

        var reference = await conversation.Runner.GetConversationReferenceAsync("test/conversations/conversation", CancellationToken.None);
        Assert.NotNull(reference);
        Assert.Equal("worker", reference.User!.Id);
        Assert.Equal("km", reference.Locale);

        var result = await conversation.Runner.ContinueConversationAsync(reference, NoDelivery.Instance,
            (turn, _) => { turn.Send(new Activity { Text = "a staff member replied" }); return Task.CompletedTask; }, CancellationToken.None);

        var sent = Assert.Single(result.Outgoing);
        Assert.Equal("a staff member replied", sent.Text);
        Assert.Equal("conversation", sent.Conversation!.Id);
        Assert.Equal("worker", sent.Recipient!.Id);
        Assert.Null(sent.ReplyToId);
    }

    [Fact]
    public async Task Each_turn_gets_its_own_service_scope()
    {
        var seen = new List<Guid>();
        var services = new ServiceCollection().AddScoped<PerTurn>().BuildServiceProvider();
        var runner = TestRunners.Create(new MemoryStateStore(),
            new LambdaBot((turn, _) =>
            {
                seen.Add(turn.Services.GetRequiredService<PerTurn>().Id);
                seen.Add(turn.Services.GetRequiredService<PerTurn>().Id);
                return Task.CompletedTask;
            }),
            services: services);

        await runner.RunAsync(Message("c1", "a1", "x"), NoDelivery.Instance, CancellationToken.None);
        await runner.RunAsync(Message("c1", "a2", "x"), NoDelivery.Instance, CancellationToken.None);

        Assert.Equal(seen[0], seen[1]);
        Assert.NotEqual(seen[1], seen[2]);
    }

    [Fact]
    public async Task User_state_follows_the_user_across_conversations()
    {
        var store = new MemoryStateStore();
        var runner = Runner(store, new LambdaBot((turn, _) =>
        {
            var counter = turn.UserState.Get(Counter.Property);
            counter.Value++;
            turn.Send(turn.Activity.CreateReply(counter.Value.ToString()));
            return Task.CompletedTask;
        }));

        await runner.RunAsync(Message("c1", "a1", "x"), NoDelivery.Instance, CancellationToken.None);
        var second = await runner.RunAsync(Message("c2", "a2", "x"), NoDelivery.Instance, CancellationToken.None);

        Assert.Equal(["2"], second.Outgoing.Texts());
        Assert.NotNull(await store.ReadAsync("test/users/worker", CancellationToken.None));
    }

    [Fact]
    public async Task A_turn_that_changes_nothing_writes_nothing()
    {
        var store = new MemoryStateStore();
        var runner = Runner(store, new LambdaBot((turn, _) => { turn.UserState.TryGet(Counter.Property, out Counter _); return Task.CompletedTask; }), recent: 0);
        var activity = Message("c1", null, "x");

        await runner.RunAsync(activity, NoDelivery.Instance, CancellationToken.None);
        var commits = store.Commits;
        await runner.RunAsync(activity, NoDelivery.Instance, CancellationToken.None);

        Assert.Equal(commits, store.Commits);
    }

    [Fact]
    public async Task Events_are_committed_with_the_turn_and_not_when_it_fails()
    {
        var store = new MemoryStateStore();
        var conversation = new TestConversation(
            new LambdaBot((turn, _) =>
            {
                turn.Record(new DomainEvent("case.intake", "test/conversations/conversation", $$"""{"said":"{{turn.Activity.Text}}"}"""));
                if (turn.Activity.Text == "boom") throw new InvalidOperationException("bug");
                return Task.CompletedTask;
            }),
            store,
            errorHandler: new LambdaErrorHandler((turn, _) => turn.Send(turn.Activity.CreateReply("sorry"))));

        await conversation.SendAsync("fine");
        await conversation.SendAsync("boom");

        var recorded = Assert.Single(store.Events);
        Assert.Equal("""{"said":"fine"}""", recorded.Payload);
    }

    [Fact]
    public async Task Erasing_a_conversation_forgets_its_log_and_where_it_was()
    {
        var store = new MemoryStateStore();
        var conversation = new TestConversation(new LambdaBot((turn, _) =>
        {
            if (turn.Activity.Text == "delete my data")
            {
                turn.ConversationState.Clear();
                turn.UserState.Clear();
                turn.EraseConversationData();
            }
            else
            {
                turn.ConversationState.Get(Counter.Property).Value++;
            }
            turn.Send(turn.Activity.CreateReply("ok"));
            return Task.CompletedTask;
        }), store);
        await conversation.SendAsync("my story");
        store.Events.Add(new DomainEvent("case.intake", "test/conversations/conversation", "{}"));

        await conversation.SendAsync("delete my data");

        Assert.Empty(store.Events);
        var state = await StoredState(store, "test/conversations/conversation");
        Assert.False(state.TryGet(Counter.Property, out Counter _));
        Assert.False(state.TryGet(TurnBookkeeping.Property, out TurnBookkeeping _)); // not even the conversation reference
    }

    internal static TurnRunner Runner(IStateStore store, IBot bot, int maxAttempts = 25, int recent = 16) =>
        TestRunners.Create(store, bot, options: new TurnOptions { MaxAttempts = maxAttempts, RecentActivityIds = recent });

    internal static async Task<BotState> StoredState(IStateStore store, string key)
    {
        var item = await store.ReadAsync(key, CancellationToken.None);
        return new BotState(key, item?.Json, item?.ETag);
    }

    internal static Activity Message(string conversationId, string? id, string text) => new()
    {
        Type = ActivityTypes.Message,
        Id = id,
        ChannelId = "test",
        ServiceUrl = "http://127.0.0.1/",
        Conversation = new ConversationAccount { Id = conversationId },
        From = new ChannelAccount { Id = "worker" },
        Recipient = new ChannelAccount { Id = "bot" },
        Text = text,
    };

    private sealed class PerTurn
    {
        public Guid Id { get; } = Guid.NewGuid();
    }

    private sealed class Recording(string name, List<string> calls) : ITurnMiddleware
    {
        public async Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken)
        {
            calls.Add($"{name}:before");
            await next(cancellationToken);
            calls.Add($"{name}:after");
        }
    }

    private sealed class ShortCircuit : ITurnMiddleware
    {
        public Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken)
        {
            turn.Send(turn.Activity.CreateReply("stopped"));
            return Task.CompletedTask;
        }
    }

    private sealed class RecordingDelivery(List<string> log) : ITurnDelivery
    {
        public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
        {
            log.Add($"stage:{outgoing.Count}");
            commit.LogAppends.Add(new LogAppend("log", "{}"));
        }

        public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) => log.Add($"committed:{outgoing.Count}");
    }
}

public sealed class Counter
{
    public static readonly StateProperty<Counter> Property = new("counter", TestStateJson.Default.Counter);

    public int Value { get; set; }
}

[JsonSerializable(typeof(Counter))]
internal sealed partial class TestStateJson : JsonSerializerContext;

internal sealed class LambdaBot(Func<ITurnContext, CancellationToken, Task> logic) : IBot
{
    public Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken) => logic(turn, cancellationToken);
}

internal sealed class LambdaErrorHandler(Action<ITurnContext, Exception> handle) : ITurnErrorHandler
{
    public Task OnTurnErrorAsync(ITurnContext turn, Exception exception, CancellationToken cancellationToken)
    {
        handle(turn, exception);
        return Task.CompletedTask;
    }
}

internal sealed class NoDelivery : ITurnDelivery
{
    public static readonly NoDelivery Instance = new();
    public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) { }
    public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) { }
}
