using MigrantHelpBot.Bot.State;

namespace MigrantHelpBot.Bot.Tests;

public class BotStateTests
{
    [Fact]
    public void Properties_a_turn_never_touches_are_written_back_unchanged()
    {
        const string stored = """{"other":{"kept":["exactly",1,true]},"counter":{"Value":1}}""";
        var state = new BotState("k", stored, "e1");

        state.Get(Counter.Property).Value = 2;

        Assert.Equal("""{"other":{"kept":["exactly",1,true]},"counter":{"Value":2}}""", state.SerializeIfChanged());
    }

    [Fact]
    public void Reading_without_changing_is_not_a_change()
    {
        var state = new BotState("k", """{"counter":{"Value":1}}""", "e1");
        _ = state.Get(Counter.Property).Value;
        Assert.Null(state.SerializeIfChanged());
    }

    [Fact]
    public void New_empty_state_that_stays_empty_is_not_written()
    {
        var state = new BotState("k", null, null);
        Assert.False(state.TryGet(Counter.Property, out _));
        Assert.Null(state.SerializeIfChanged());
    }

    [Fact]
    public void Clearing_stored_state_deletes_it()
    {
        var state = new BotState("k", """{"counter":{"Value":1}}""", "e1");
        state.Clear();
        Assert.Equal(string.Empty, state.SerializeIfChanged());
    }

    [Fact]
    public void A_value_comes_back_as_the_type_it_was_written_as()
    {
        var first = new BotState("k", null, null);
        first.Get(Counter.Property).Value = int.MaxValue;
        var json = first.SerializeIfChanged();

        var second = new BotState("k", json, "e");
        Assert.Equal(int.MaxValue, second.Get(Counter.Property).Value);
    }
}

public class KeyedLockTests
{
    [Fact]
    public async Task One_holder_per_key_and_entries_are_released()
    {
        var locks = new KeyedLock();
        var inside = 0;
        var maxInside = 0;

        await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
        {
            using (await locks.AcquireAsync("k", CancellationToken.None))
            {
                var now = Interlocked.Increment(ref inside);
                maxInside = Math.Max(maxInside, now);
                await Task.Yield();
                Interlocked.Decrement(ref inside);
            }
        }));

        Assert.Equal(1, maxInside);
        Assert.Equal(0, locks.Count);
    }

    [Fact]
    public async Task Different_keys_do_not_wait_for_each_other()
    {
        var locks = new KeyedLock();
        using var a = await locks.AcquireAsync("a", CancellationToken.None);
        var b = locks.AcquireAsync("b", CancellationToken.None);
        Assert.True(b.IsCompleted);
        (await b).Dispose();
    }

    [Fact]
    public async Task A_cancelled_waiter_does_not_leak_its_entry()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync("k", CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = locks.AcquireAsync("k", cancel.Token).AsTask();
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        held.Dispose();
        Assert.Equal(0, locks.Count);
    }
}
