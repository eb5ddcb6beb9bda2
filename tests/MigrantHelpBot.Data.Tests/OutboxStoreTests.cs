using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

public class OutboxStoreTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task EnqueueAsync(Stores stores, params (string Key, string Conversation)[] messages)
    {
        var commit = new StateCommit();
        foreach (var (key, conversation) in messages) commit.Outbox.Add(new OutboxMessage(key, "connector", conversation, $"payload of {key}"));
        await stores.State.CommitAsync(commit, None);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Only_the_oldest_pending_message_of_a_conversation_is_leased(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, ("a1", "A"), ("b1", "B"), ("a2", "A"));

        var leased = await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None);

        Assert.Equal(["a1", "b1"], leased.Select(e => e.IdempotencyKey));
        Assert.Equal("payload of a1", leased[0].Payload);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_lane_leases_only_its_channels_so_a_backlog_of_inbound_events_does_not_hold_up_replies(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        var commit = new StateCommit();
        for (var i = 0; i < 20; i++) commit.Outbox.Add(new OutboxMessage($"in{i}", "line-in", $"line-in/U{i}", "event"));
        commit.Outbox.Add(new OutboxMessage("reply", "line", "line/conversations/U0", "reply"));
        await stores.State.CommitAsync(commit, None);
        var turns = new OutboxLane(["line-in", "messenger-in"]);

        // The reply is the newest entry: without lanes a batch of 5 would be all events.
        Assert.DoesNotContain(await stores.Outbox.LeaseDueAsync("all", 5, TimeSpan.FromMilliseconds(1), None), e => e.IdempotencyKey == "reply");
        await Task.Delay(20);
        var sends = await stores.Outbox.LeaseDueAsync("sender", 5, TimeSpan.FromMinutes(1), None, turns with { Except = true });
        Assert.Equal(["reply"], sends.Select(e => e.IdempotencyKey));
        var events = await stores.Outbox.LeaseDueAsync("turns", 50, TimeSpan.FromMinutes(1), None, turns);
        Assert.Equal(20, events.Count);
        Assert.All(events, e => Assert.Equal("line-in", e.Channel));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_leased_message_is_not_leased_again_until_its_lease_ends(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, ("a1", "A"));

        Assert.Single(await stores.Outbox.LeaseDueAsync("one", 10, TimeSpan.FromMinutes(1), None));
        Assert.Empty(await stores.Outbox.LeaseDueAsync("two", 10, TimeSpan.FromMinutes(1), None));

        await using var other = await Stores.CreateAsync(engine);
        await EnqueueAsync(other, ("x", "X"));
        Assert.Single(await other.Outbox.LeaseDueAsync("one", 10, TimeSpan.FromMilliseconds(1), None));
        await Task.Delay(20);
        Assert.Single(await other.Outbox.LeaseDueAsync("two", 10, TimeSpan.FromMinutes(1), None)); // the crashed sender's lease ran out
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Sent_messages_unblock_the_next_and_forget_their_text(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, ("a1", "A"), ("a2", "A"));
        var first = Assert.Single(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));

        await stores.Outbox.MarkSentAsync(first.Id, None);

        Assert.Equal(OutboxStatus.Sent, await stores.Outbox.GetStatusAsync("a1", None));
        var next = Assert.Single(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));
        Assert.Equal("a2", next.IdempotencyKey);
        Assert.Equal(0, await CountWithPayloadAsync(stores, "a1"));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_failed_attempt_waits_for_its_retry_time_and_keeps_the_order(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, ("a1", "A"), ("a2", "A"));
        var first = Assert.Single(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));

        await stores.Outbox.MarkAttemptFailedAsync(first.Id, "HTTP 503", DateTimeOffset.UtcNow.AddMinutes(5), None);

        Assert.Empty(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));
        Assert.Equal(OutboxStatus.Pending, await stores.Outbox.GetStatusAsync("a1", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task A_permanent_failure_is_recorded_and_does_not_block_the_conversation(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, ("a1", "A"), ("a2", "A"));
        var first = Assert.Single(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));

        await stores.Outbox.MarkAttemptFailedAsync(first.Id, "HTTP 403", retryAt: null, None);

        Assert.Equal(OutboxStatus.Failed, await stores.Outbox.GetStatusAsync("a1", None));
        var next = Assert.Single(await stores.Outbox.LeaseDueAsync("me", 10, TimeSpan.FromMinutes(1), None));
        Assert.Equal("a2", next.IdempotencyKey);
        Assert.Equal(0, next.Attempts);
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Two_replicas_leasing_at_once_never_get_the_same_message(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await EnqueueAsync(stores, [.. Enumerable.Range(0, 60).Select(i => ($"m{i}", $"C{i}"))]);
        await using var replica = stores.Reopen();

        var leases = await Task.WhenAll(
            Enumerable.Range(0, 6).Select(i => (i % 2 == 0 ? stores : replica).Outbox.LeaseDueAsync($"r{i}", 15, TimeSpan.FromMinutes(1), None)));

        var ids = leases.SelectMany(l => l.Select(e => e.Id)).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(60, ids.Count);
        await replica.CloseAsync();
    }

    private static async Task<long> CountWithPayloadAsync(Stores stores, string key)
    {
        await using var connection = await stores.Engine.OpenAsync(None);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM outbox WHERE idempotency_key = @k AND payload <> ''";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "k";
        parameter.Value = key;
        command.Parameters.Add(parameter);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }
}
