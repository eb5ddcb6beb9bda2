using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Data.Tests;

/// <summary>Domain events (a case intake, a handoff request) and "delete my data", on SQLite and PostgreSQL alike.</summary>
public class EventAndErasureTests
{
    public static TheoryData<Engine> Engines => [Engine.Sqlite, Engine.Postgres];

    private static readonly CancellationToken None = CancellationToken.None;

    [Theory, MemberData(nameof(Engines))]
    public async Task Events_commit_with_the_turn_and_are_read_until_handled(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        var events = new EventStore(stores.Engine);
        var commit = Commits.Write("c1", null, "{}", "e1");
        commit.Events.Add(new DomainEvent("case.intake", "c1", """{"category":"unpaid_wages","story":"Công ty chưa trả lương"}"""));
        commit.Events.Add(new DomainEvent("case.handoff", "c1", """{"urgency":"P0"}"""));
        await stores.State.CommitAsync(commit, None);

        var intake = Assert.Single(await events.ReadUnhandledAsync("case.intake", 10, None));
        Assert.Equal("c1", intake.ConversationKey);
        Assert.Contains("Công ty chưa trả lương", intake.Payload);
        Assert.Equal(["case.intake", "case.handoff"], (await events.ReadAsync("c1", None)).Select(e => e.Kind));

        // Handling an event records its outcome in the same transaction; a second resolve (another replica) adds nothing.
        await events.ResolveAsync(intake.Id, "case.routed", "c1", """{"to":"scrum"}""", None);
        await events.ResolveAsync(intake.Id, "case.routed", "c1", """{"to":"other"}""", None);
        Assert.Empty(await events.ReadUnhandledAsync("case.intake", 10, None));
        Assert.Single(await events.ReadUnhandledAsync("case.handoff", 10, None));
        Assert.Equal("""{"to":"scrum"}""", Assert.Single(await events.ReadUnhandledAsync("case.routed", 10, None)).Payload);
        Assert.Equal(["case.intake", "case.handoff", "case.routed"], (await events.ReadAsync("c1", None)).Select(e => e.Kind));
        Assert.Single(await events.ReadKindAsync("case.intake", 10, None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Events_of_a_turn_that_lost_the_etag_race_are_not_kept(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        await stores.State.CommitAsync(Commits.Write("c1", null, "{}", "e1"), None);
        var stale = Commits.Write("c1", null, "{}", "e2");
        stale.Events.Add(new DomainEvent("case.intake", "c1", "{}"));

        await Assert.ThrowsAsync<ETagConflictException>(() => stores.State.CommitAsync(stale, None));

        Assert.Empty(await new EventStore(stores.Engine).ReadAsync("c1", None));
    }

    [Theory, MemberData(nameof(Engines))]
    public async Task Erasing_a_conversation_deletes_its_log_and_events_and_nothing_of_others(Engine engine)
    {
        await using var stores = await Stores.CreateAsync(engine);
        foreach (var key in new[] { "mine", "theirs" })
        {
            var commit = Commits.Write(key, null, "{}", "e1");
            commit.LogAppends.Add(new LogAppend(key, """{"type":"message","text":"my story"}"""));
            commit.LogAppends.Add(new LogAppend(key, """{"type":"message","text":"a reply"}"""));
            commit.Events.Add(new DomainEvent("case.intake", key, "{}"));
            await stores.State.CommitAsync(commit, None);
        }

        var erase = Commits.Write("mine", "e1", "{}", "e2");
        erase.Erasures.Add("mine");
        erase.LogAppends.Add(new LogAppend("mine", """{"type":"message","text":"Your data is deleted."}"""));
        await stores.State.CommitAsync(erase, None);

        var log = await stores.State.ReadAsync("mine", 0, 100, None);
        var kept = Assert.Single(log); // only what this turn said after the erasure
        Assert.Contains("Your data is deleted.", kept.ActivityJson);
        Assert.Equal(3, kept.Seq); // numbering goes on, so the worker's open chat (polling from its watermark) still sees the goodbye
        Assert.Empty(await new EventStore(stores.Engine).ReadAsync("mine", None));
        Assert.Equal(2, (await stores.State.ReadAsync("theirs", 0, 100, None)).Count);
        Assert.Single(await new EventStore(stores.Engine).ReadAsync("theirs", None));
    }
}
