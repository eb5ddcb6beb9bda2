using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>Many turns on one conversation at once, through the real runtime and a real database.</summary>
public class ConcurrentTurnTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    [Theory, MemberData(nameof(Engines))]
    public async Task Fifty_parallel_turns_on_one_conversation_lose_no_state_update(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        var runner = Runner(stores.State);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => runner.RunAsync(Message(i), Delivery.Instance, CancellationToken.None))));

        Assert.Equal(50, await CounterAsync(stores.State));
        Assert.Equal(50, results.Select(r => r.Outgoing.Single().Text).Distinct().Count()); // each turn saw a different count
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Two_replicas_racing_on_one_conversation_rerun_instead_of_overwriting(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await using var replica = stores.Reopen();
        // Separate runners have separate locks and caches: only the eTag stands between them.
        // The bot takes a moment per turn, as real turns do, so the replicas' turns overlap.
        var runners = new[] { Runner(stores.State, think: true), Runner(replica.State, think: true) };
        await Task.WhenAll(stores.Engine.EnsureReadyAsync(CancellationToken.None), replica.Engine.EnsureReadyAsync(CancellationToken.None));

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => runners[i % 2].RunAsync(Message(i), Delivery.Instance, CancellationToken.None))));

        Assert.Equal(50, await CounterAsync(stores.State));
        Assert.Contains(results, r => r.Attempts > 1);
        Assert.Equal(50, await LoggedAsync(stores.State));
        await replica.CloseAsync();
    }

    private static TurnRunner Runner(IStateStore store, bool think = false) =>
        TestRunners.Create(store, new CountingBot(think), options: new TurnOptions { MaxAttempts = 200 });

    private static Activity Message(int i) => new()
    {
        Type = ActivityTypes.Message,
        Id = $"a{i}",
        ChannelId = "test",
        Conversation = new ConversationAccount { Id = "busy" },
        From = new ChannelAccount { Id = "worker" },
        Recipient = new ChannelAccount { Id = "bot" },
        Text = "x",
    };

    private static async Task<int> CounterAsync(IStateStore store)
    {
        var item = await store.ReadAsync("test/conversations/busy", CancellationToken.None);
        var state = new BotState(item!.Key, item.Json, item.ETag);
        return state.Get(Count.Property).Value;
    }

    private static async Task<int> LoggedAsync(IActivityLogReader log) =>
        (await log.ReadAsync("busy-log", 0, 1000, CancellationToken.None)).Count;

    private sealed class CountingBot(bool think) : IBot
    {
        public async Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken)
        {
            var count = turn.ConversationState.Get(Count.Property);
            if (think) await Task.Delay(2, cancellationToken);
            count.Value++;
            turn.Send(turn.Activity.CreateReply(count.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>Appends every reply to a log, so a re-run that was also committed would show up twice.</summary>
    private sealed class Delivery : ITurnDelivery
    {
        public static readonly Delivery Instance = new();

        public void Stage(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit)
        {
            foreach (var activity in outgoing) commit.LogAppends.Add(new LogAppend("busy-log", activity.Text!));
        }

        public void Committed(Activity inbound, IReadOnlyList<Activity> outgoing, StateCommit commit) { }
    }
}

public sealed class Count
{
    public static readonly StateProperty<Count> Property = new("count", CountJson.Default.Count);

    public int Value { get; set; }
}

[JsonSerializable(typeof(Count))]
internal sealed partial class CountJson : JsonSerializerContext;
