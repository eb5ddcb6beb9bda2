using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Testing;
using static MigrantHelpBot.Host.Tests.HandoffFlow;

namespace MigrantHelpBot.Host.Tests;

/// <summary>
/// Two host processes on different ports sharing one PostgreSQL, with LINE's webhooks split between
/// them and many messages per conversation: every message is answered once, each conversation's
/// answers go out in the order its messages came, and an emergency offer's SLA fires once although
/// both replicas watch it.
/// </summary>
public sealed class TwoReplicaTests
{
    private const int Workers = 30;
    private const int MessagesEach = 8;

    private static Dictionary<string, string?> Settings(TestDatabase database, FakeLine line) => LineWebhookLoad.Settings(database, line, new()
    {
        ["Directory:SeedFile"] = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Host.Tests", "Fixtures", "handoff-directory.yaml"),
        ["Handoff:SweepInterval"] = "00:00:00.200",
        ["Handoff:EmergencyOfferTimeout"] = "00:00:04",
    });

    private static JsonObject Event(string userId, string text, string replyToken) => LineWebhookLoad.Event(userId, text, replyToken);

    private static async Task DeliverAsync(HttpClient http, Uri host, JsonObject e) =>
        Assert.True(await LineWebhookLoad.DeliverAsync(http, host, e), "the webhook was not acknowledged");

    [Fact]
    public async Task Two_replicas_on_one_PostgreSQL_answer_each_message_once_in_order_per_conversation_and_fire_an_SLA_once()
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync();
        var settings = Settings(database, line);
        await using var a = await HostProcess.StartAsync(settings);
        await using var b = await HostProcess.StartAsync(settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // Many messages per conversation, each conversation's messages alternating between the replicas, all conversations at once.
        var tokens = new ConcurrentDictionary<string, List<string>>();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
        {
            var user = "U" + Guid.NewGuid().ToString("N");
            var mine = tokens[user] = [];
            for (var m = 0; m < MessagesEach; m++)
            {
                var token = $"replica-{w}-{m}-{Guid.NewGuid():N}";
                mine.Add(token);
                await DeliverAsync(http, m % 2 == 0 ? a.Address : b.Address, Event(user, m == 0 ? "Xin chào" : "Tôi chưa được trả lương " + m.ToString(CultureInfo.InvariantCulture), token));
            }
        }));

        var all = tokens.Values.SelectMany(t => t).ToHashSet(StringComparer.Ordinal);
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(200))
        {
            var answered = line.Accepted.Count(x => all.Contains(x.Key));
            if (answered >= all.Count) break;
            Assert.True(DateTime.UtcNow < deadline, $"{answered} of {all.Count} answered; problems: {string.Join("; ", line.Problems.Take(5))}\n{a.Output}\n{b.Output}");
        }
        await Task.Delay(1500);
        var accepted = line.Accepted.ToList(); // in the order LINE took them
        Assert.All(all, t => Assert.Single(accepted, x => x.Key == t)); // once each, never twice
        foreach (var (_, mine) in tokens)
        {
            // A conversation's answers left in the order of its messages.
            var order = accepted.Select(x => x.Key).Where(mine.Contains).ToList();
            Assert.Equal(mine, order);
        }
        Assert.Equal(0, Volatile.Read(ref line.ReusedReplyTokens));

        // An emergency offer nobody accepts: both replicas sweep it; it moves on once.
        var worker = "U" + Guid.NewGuid().ToString("N");
        var dangerToken = "danger-" + Guid.NewGuid().ToString("N");
        await DeliverAsync(http, a.Address, Event(worker, "Chủ đang đánh tôi, cứu tôi với", dangerToken));
        var asked = await line.WaitAsync(x => x.Key == dangerToken);
        var yes = asked[^1].Messages[^1]!["quickReply"]!["items"]![0]!["action"]!["text"]!.GetValue<string>();
        await DeliverAsync(http, b.Address, Event(worker, yes, "agree-" + Guid.NewGuid().ToString("N")));

        await using var db = database.Open();
        var store = new CaseStore(db);
        CaseRecord? unplaced = null;
        for (var deadline = DateTime.UtcNow.AddSeconds(60); unplaced is null; await Task.Delay(200))
        {
            Assert.True(DateTime.UtcNow < deadline, $"the offers did not run out\n{a.Output}\n{b.Output}");
            // Offered to one union, moved to the other after 4 s, and after 4 s more left for the coalition to place.
            unplaced = (await store.ListAsync(new CaseScope(null, All: true), new CaseFilter(), CancellationToken.None))
                .FirstOrDefault(c => c.Data.OfferedTo.Count == 2 && c.Status == CaseStatus.New);
        }
        await Task.Delay(2000); // a second firing by the other replica would show now
        var timeline = await store.EventsAsync(unplaced.Id, CancellationToken.None);
        Assert.Equal(2, timeline.Count(e => e.Kind == CaseEventKinds.Offered));
        Assert.Equal(2, timeline.Count(e => e.Kind == CaseEventKinds.OfferExpired));
        Assert.Equal(1, timeline.Count(e => e.Kind == CaseEventKinds.Unplaced));
        var texts = line.Accepted.SelectMany(x => x.Messages).Select(m => m!["text"]!.GetValue<string>()).ToList();
        Assert.Single(texts, t => t == T("vi", "handoff.moved", new() { ["organization"] = "Test Union A" }) || t == T("vi", "handoff.moved", new() { ["organization"] = "Test Union B" }));
        Assert.Single(texts, t => t == T("vi", "handoff.unplaced"));
    }

    [Fact]
    public async Task When_one_of_two_replicas_is_killed_mid_load_the_other_answers_every_message_exactly_once()
    {
        await using var line = await FakeLine.StartAsync();
        await using var database = await TestDatabase.CreatePostgresAsync();
        var settings = Settings(database, line);
        settings["Outbox:Lease"] = "00:00:03"; // the dead replica's leases run out quickly
        var a = await HostProcess.StartAsync(settings);
        await using var b = await HostProcess.StartAsync(settings);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };

        // 30 conversations of 8 messages, alternating between the replicas; A is killed (SIGKILL) part way.
        var events = new ConcurrentDictionary<string, List<JsonObject>>();
        var sent = 0;
        var sending = Task.WhenAll(Enumerable.Range(0, Workers).Select(async w =>
        {
            var user = "U" + Guid.NewGuid().ToString("N");
            var mine = events[user] = [];
            for (var m = 0; m < MessagesEach; m++)
            {
                var e = Event(user, m == 0 ? "Xin chào" : "Tôi chưa được trả lương " + m.ToString(CultureInfo.InvariantCulture), $"kill-{w}-{m}-{Guid.NewGuid():N}");
                lock (mine) mine.Add(e);
                // LINE sends to whichever replica its load balancer picks; one that is down is retried on the other.
                if (!await LineWebhookLoad.DeliverAsync(http, m % 2 == 0 ? a.Address : b.Address, e)) await DeliverAsync(http, b.Address, e);
                Interlocked.Increment(ref sent);
                await Task.Delay(50);
            }
        }));
        for (var deadline = DateTime.UtcNow.AddSeconds(30); Volatile.Read(ref sent) < Workers * MessagesEach / 3; await Task.Delay(10)) Assert.True(DateTime.UtcNow < deadline, "the load did not start");
        a.Kill();
        await sending;

        var all = events.Values.SelectMany(e => e).Select(e => e["replyToken"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        for (var deadline = DateTime.UtcNow.AddSeconds(120); ; await Task.Delay(200))
        {
            var answered = line.Accepted.Where(x => all.Contains(x.Key)).Select(x => x.Key).Distinct().Count();
            if (answered >= all.Count) break;
            Assert.True(DateTime.UtcNow < deadline, $"{answered} of {all.Count} answered\n{b.Output}");
        }
        await Task.Delay(2000);
        var accepted = line.Accepted.ToList();
        Assert.All(all, t => Assert.Single(accepted, x => x.Key == t)); // nothing lost, nothing doubled
        foreach (var (_, mine) in events)
        {
            var tokens = mine.Select(e => e["replyToken"]!.GetValue<string>()).ToList();
            Assert.Equal(tokens, accepted.Select(x => x.Key).Where(tokens.Contains).ToList()); // still in order
        }
        await a.DisposeAsync();
    }
}
