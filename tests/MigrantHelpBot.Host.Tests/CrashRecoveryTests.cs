using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Faults under load, with the host as its own process: killed with SIGKILL in the middle of a stream
/// of LINE webhooks and started again; its PostgreSQL server stopped at once (as in a crash) and started
/// again 3 s later; and LINE failing every call for two minutes. LINE redelivers what was not
/// acknowledged (and here, to be hard, everything once more): every message is answered exactly once.
/// LINE's reply API has no idempotency key, so a reply sent just before the kill may be tried again;
/// LINE refuses the used token and the host takes that as delivered, so the worker still reads it once.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const int Messages = 300;

    private static Dictionary<string, string?> Settings(TestDatabase database, FakeLine line) =>
        LineWebhookLoad.Settings(database, line, new() { ["Outbox:Lease"] = "00:00:03" }); // a dead host's leases run out quickly

    private static JsonObject Event(int n) =>
        LineWebhookLoad.Event("U" + Guid.NewGuid().ToString("N"), "Xin chào, tôi cần giúp đỡ", "crash-" + n.ToString(CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N"));

    private static Task<bool> DeliverAsync(HttpClient http, Uri host, JsonObject e, bool redelivery = false) => LineWebhookLoad.DeliverAsync(http, host, e, redelivery);

    /// <summary>Waits until every event's reply token was used, then checks each was used exactly once.</summary>
    private static async Task AssertEveryMessageAnsweredOnceAsync(FakeLine line, IReadOnlyList<JsonObject> events, HostProcess host)
    {
        var tokens = events.Select(e => e["replyToken"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(200))
        {
            var answered = line.Accepted.Where(a => tokens.Contains(a.Key)).Select(a => a.Key).Distinct().Count();
            if (answered == tokens.Count) break;
            Assert.True(DateTime.UtcNow < deadline, $"{answered} of {tokens.Count} messages answered; problems: {string.Join("; ", line.Problems.Take(5))}\n{host.Output}");
        }
        await Task.Delay(2000); // anything sent twice would arrive now
        var counts = line.Accepted.Where(a => tokens.Contains(a.Key)).GroupBy(a => a.Key).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(tokens, t => Assert.Equal(1, counts.GetValueOrDefault(t)));
        // A reply LINE took just before the host died may be tried again by the next host: LINE refuses the used
        // reply token, the host counts it delivered, and nothing is pushed instead, so the worker reads it once.
        Assert.InRange(Volatile.Read(ref line.ReusedReplyTokens), 0, 50);
        Assert.Equal(tokens.Count, line.Accepted.Count); // one answer per message, nothing else
        Assert.Empty(line.Problems);
    }

    [Fact]
    public async Task A_host_killed_with_SIGKILL_in_the_middle_of_a_load_of_webhooks_answers_every_message_exactly_once_after_restart()
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = TestDatabase.CreateSqlite();
        var settings = Settings(database, line);
        var events = Enumerable.Range(0, Messages).Select(Event).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var acknowledged = new ConcurrentDictionary<int, bool>();

        var first = await HostProcess.StartAsync(settings);
        // ~100 webhooks a second in parallel streams; SIGKILL after a third of them, while the rest are in flight.
        var sending = Task.WhenAll(Enumerable.Range(0, 10).Select(async stream =>
        {
            for (var n = stream; n < Messages / 2; n += 10)
            {
                if (await DeliverAsync(http, first.Address, events[n])) acknowledged[n] = true;
                await Task.Delay(100);
            }
        }));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); acknowledged.Count < Messages / 3; await Task.Delay(10)) Assert.True(DateTime.UtcNow < deadline, "the load did not start");
        first.Kill();
        await sending;
        Assert.InRange(acknowledged.Count, Messages / 3, Messages / 2 - 1); // some were cut off

        // A new host on the same database. LINE redelivers every event (acknowledged ones too, to be hard) and the rest arrive.
        await using var second = await HostProcess.StartAsync(settings);
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async stream =>
        {
            for (var n = stream; n < Messages; n += 10)
            {
                Assert.True(await DeliverAsync(http, second.Address, events[n], redelivery: n < Messages / 2), $"event {n} not acknowledged\n{second.Output}");
                await Task.Delay(20);
            }
        }));
        await AssertEveryMessageAnsweredOnceAsync(line, events, second);
        await first.DisposeAsync();
    }

    [Fact]
    public async Task PostgreSQL_restarted_in_the_middle_of_a_load_recovers_without_anyone_acting_and_answers_every_message_exactly_once()
    {
        await using var line = await FakeLine.StartAsync();
        // A server of this test's own: the one the other tests share keeps running.
        await using var server = await PrivatePostgres.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync(server.ConnectionString);
        var settings = Settings(database, line);
        var events = Enumerable.Range(0, Messages).Select(Event).ToList();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await using var host = await HostProcess.StartAsync(settings);
        var acknowledged = new ConcurrentDictionary<int, bool>();
        var refused = 0;

        var sending = Task.WhenAll(Enumerable.Range(0, 10).Select(async stream =>
        {
            for (var n = stream; n < Messages; n += 10)
            {
                if (await DeliverAsync(http, host.Address, events[n])) acknowledged[n] = true;
                else Interlocked.Increment(ref refused);
                await Task.Delay(100);
            }
        }));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); acknowledged.Count < Messages / 4; await Task.Delay(10)) Assert.True(DateTime.UtcNow < deadline, "the load did not start");
        await server.RestartAsync(TimeSpan.FromSeconds(3)); // the server process stops at once (as in a crash) and starts again 3 s later
        await sending;
        Assert.True(refused > 0, "the outage refused nothing: it did not happen during the load");

        // Nobody restarts anything: the host answers health again, and LINE's redeliveries are taken.
        using (var client = new HttpClient { BaseAddress = host.Address })
        {
            for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(200))
            {
                using var health = await client.GetAsync("healthz");
                if (health.StatusCode == HttpStatusCode.OK) break;
                Assert.True(DateTime.UtcNow < deadline, "the host did not recover");
            }
        }
        await Task.WhenAll(Enumerable.Range(0, 10).Select(async stream =>
        {
            for (var n = stream; n < Messages; n += 10)
            {
                if (acknowledged.ContainsKey(n)) continue;
                Assert.True(await DeliverAsync(http, host.Address, events[n], redelivery: true), $"event {n} not acknowledged after the outage\n{host.Output}");
            }
        }));
        await AssertEveryMessageAnsweredOnceAsync(line, events, host);
    }

    [Fact]
    public async Task Messages_wait_in_the_outbox_while_LINE_fails_for_two_minutes_and_each_arrives_once_when_it_returns()
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = TestDatabase.CreateSqlite();
        var settings = Settings(database, line);
        settings["Outbox:MaxBackoff"] = "00:00:05";
        await using var host = await HostProcess.StartAsync(settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var events = Enumerable.Range(0, 100).Select(Event).ToList();

        line.FailNext = int.MaxValue; // every call to LINE fails with 500
        foreach (var e in events) Assert.True(await DeliverAsync(http, host.Address, e));
        await Task.Delay(TimeSpan.FromMinutes(2));
        Assert.Empty(line.Accepted);
        Volatile.Write(ref line.FailNext, 0); // LINE is back

        await AssertEveryMessageAnsweredOnceAsync(line, events, host);
    }
}
