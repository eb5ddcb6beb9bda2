using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

/// <summary>The global commands, at any point, and how the conversation carries on after them.</summary>
public class CommandTests
{
    private static string T(string key) => Catalog.English.Text("en", key, _ => null);

    private static async Task<TestConversation> AtThePrefectureQuestion(MemoryStateStore? store = null)
    {
        var c = Catalog.Conversation(store: store);
        await c.SendAsync("They did not pay my wages");
        await c.SendAsync("Yes");
        var replies = await c.SendAsync("Yes");
        Assert.Equal(T("intake.prefecture_ask"), replies[^1].Text);
        return c;
    }

    [Fact]
    public async Task Help_lists_the_commands_and_the_question_comes_back()
    {
        var c = await AtThePrefectureQuestion();

        var replies = (await c.SendAsync("help")).Texts();

        Assert.Equal([T("commands.help.text"), Catalog.English.Text("en", "safety.emergency"), T("intake.prefecture_ask")], replies);
        Assert.Equal(T("followup.wages.months_ask"), (await c.SendAsync("Osaka"))[^1].Text);
    }

    [Fact]
    public async Task Talk_to_a_person_says_what_is_shared_and_asks_first()
    {
        var store = new MemoryStateStore();
        var c = await AtThePrefectureQuestion(store);

        var asked = (await c.SendAsync("talk to a person")).Texts();
        Assert.Equal([T("commands.human.explain"), T("commands.human.share_ask")], asked);
        Assert.DoesNotContain(store.Events, e => e.Kind == "case.handoff");

        var replies = (await c.SendAsync("yes")).Texts();
        Assert.Equal([T("commands.human.requested"), T("intake.prefecture_ask")], replies);
        Assert.Single(store.Events, e => e.Kind == "case.handoff");
    }

    [Fact]
    public async Task Start_over_clears_the_answers_after_asking()
    {
        var c = await AtThePrefectureQuestion();

        Assert.Equal(T("commands.restart.confirm"), (await c.SendAsync("start over"))[^1].Text);
        var replies = (await c.SendAsync("Yes")).Texts();

        Assert.Equal(T("triage.ask_story"), replies[^1]); // consent is kept; the story is asked again
    }

    [Fact]
    public async Task Stop_goes_quiet_at_once_and_a_new_message_starts_again()
    {
        var c = await AtThePrefectureQuestion();

        Assert.Equal([T("commands.stop.done")], (await c.SendAsync("stop")).Texts());

        var again = (await c.SendAsync("hello")).Texts();
        Assert.Equal(T("triage.ask_story"), again[^1]);
    }

    [Fact]
    public async Task Delete_my_data_erases_state_and_the_conversation_at_once()
    {
        var store = new MemoryStateStore();
        var c = await AtThePrefectureQuestion(store);
        Assert.NotNull(await store.ReadAsync("test/conversations/c1", CancellationToken.None));

        Assert.Equal(T("commands.delete.confirm"), (await c.SendAsync("delete my data"))[^1].Text);
        var replies = (await c.SendAsync("Yes")).Texts();

        Assert.Equal([T("commands.delete.done")], replies);
        Assert.Null(await store.ReadAsync("test/conversations/c1", CancellationToken.None));
        Assert.Null(await store.ReadAsync("test/users/worker", CancellationToken.None));
    }

    [Fact]
    public async Task Keeping_the_data_carries_on_with_the_question()
    {
        var c = await AtThePrefectureQuestion();
        await c.SendAsync("delete my data");

        var replies = (await c.SendAsync("No")).Texts();

        Assert.Equal([T("commands.delete.kept"), T("intake.prefecture_ask")], replies);
    }

    [Fact]
    public async Task Unclear_answers_are_asked_again_then_skipped_after_three()
    {
        var c = await AtThePrefectureQuestion();
        await c.SendAsync("Aichi");

        Assert.Equal([T("retry.number"), T("followup.wages.months_ask")], (await c.SendAsync("a lot")).Texts());
        await c.SendAsync("very long");
        var third = (await c.SendAsync("I don't remember well")).Texts();

        Assert.Equal([T("common.moving_on"), T("followup.wages.hourly_ask")], third);
    }
}
