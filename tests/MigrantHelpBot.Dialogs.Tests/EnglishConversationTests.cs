using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

/// <summary>The whole consultation through the engine, in English (independent of the translations).</summary>
public class EnglishConversationTests
{
    private static readonly Locales.LocaleCatalog L = Catalog.English;
    private static string T(string key) => L.Text("en", key, _ => null);

    [Fact]
    public async Task From_greeting_to_a_confirmed_case_intake()
    {
        var store = new MemoryStateStore();
        var c = Catalog.Conversation(store: store);

        var greeting = await c.JoinAsync();
        Assert.Equal(T("first_contact.choose_language"), greeting.Single().Text);
        Assert.Equal(["English"], greeting.Buttons());

        var notice = await c.SendAsync("English");
        Assert.Equal([T("first_contact.notice_who"), T("first_contact.notice_stored"), T("first_contact.notice_control"), T("first_contact.consent_ask")], notice.Texts());
        Assert.Equal(["Yes", "No"], notice.Buttons());

        var story = await c.SendAsync("Yes");
        Assert.Equal(T("triage.ask_story"), story[^1].Text);
        Assert.Equal(11, story.Buttons().Count);

        var proposal = await c.SendAsync("They have not paid my salary for 3 months");
        Assert.Equal("It sounds like this is about: Pay. Is that right?", proposal.Single().Text);

        Assert.Equal(T("intake.prefecture_ask"), (await c.SendAsync("Yes"))[^1].Text);
        Assert.Equal(T("followup.wages.months_ask"), (await c.SendAsync("Hiroshima-ken"))[^1].Text);
        Assert.Equal(T("followup.wages.hourly_ask"), (await c.SendAsync("3"))[^1].Text);
        Assert.Equal(T("followup.wages.overtime_ask"), (await c.SendAsync("800 yen"))[^1].Text);
        Assert.Equal(T("followup.wages.deductions_ask"), (await c.SendAsync("3"))[^1].Text);
        Assert.Equal(T("triage.safe_ask"), (await c.SendAsync("Skip"))[^1].Text);

        var rights = (await c.SendAsync("Yes, I am safe")).Texts();
        Assert.Contains(rights, t => t.StartsWith("In Hiroshima (広島県) the minimum wage is 1,085 yen an hour, from 2025-11-01.", StringComparison.Ordinal));
        Assert.Contains(rights, t => t.StartsWith("You told us you get 800 yen an hour. That is below this minimum wage.", StringComparison.Ordinal));
        Assert.Contains(rights, t => t.Contains("Source: Labour Standards Act (労働基準法) Art. 37 · checked 2026-11-21", StringComparison.Ordinal));
        Assert.Equal(T("intake.status_ask"), rights[^1]);

        await c.SendAsync("1");
        await c.SendAsync("Sewing, clothes");
        await c.SendAsync("Sakura Sewing");
        await c.SendAsync("Skip");
        await c.SendAsync("5");
        var summary = await c.SendAsync("Talk to a union");
        Assert.Equal(T("intake.safe_times_ask"), summary[^1].Text);

        var shown = (await c.SendAsync("after 9 pm")).Texts();
        Assert.StartsWith("Here is what you told us:\n• Problem: Pay\n• What happened: They have not paid my salary for 3 months", shown[0], StringComparison.Ordinal);
        Assert.Contains("• Prefecture: Hiroshima (広島県)", shown[0], StringComparison.Ordinal);
        Assert.Contains("• Residence status: Trainee 1 (year 1)", shown[0], StringComparison.Ordinal);
        Assert.Contains("• Overtime: Not paid", shown[0], StringComparison.Ordinal);
        Assert.Equal(T("summary.right_ask"), shown[^1]);

        var share = (await c.SendAsync("Yes")).Texts();
        Assert.Equal([T("summary.share_what"), T("summary.share_not"), T("summary.share_ask")], share);
        Assert.Empty(store.Events);

        var done = (await c.SendAsync("Yes")).Texts();
        Assert.Equal([T("summary.submitted"), T("main.finished")], done);

        var intake = JsonDocument.Parse(Assert.Single(store.Events, e => e.Kind == "case.intake").Payload).RootElement;
        Assert.Equal("unpaid_wages", intake.GetProperty("category").GetString());
        Assert.Equal("P2", intake.GetProperty("urgency").GetString());
        Assert.Equal("hiroshima", intake.GetProperty("prefecture").GetString());
        Assert.True(intake.GetProperty("consent").GetProperty("shareWithOrganisation").GetBoolean());
        var answers = intake.GetProperty("answers");
        Assert.Equal("800", answers.GetProperty("hourly_pay").GetString());
        Assert.Equal("yes", answers.GetProperty("below_minimum").GetString());
        Assert.Equal("unpaid", answers.GetProperty("overtime_paid").GetString());
        Assert.Equal("titp_1", answers.GetProperty("residence_status").GetString());
        Assert.Equal("textile", answers.GetProperty("industry").GetString());
        Assert.Equal("Sakura Sewing", answers.GetProperty("employer_name").GetString());
        Assert.Equal("5", answers.GetProperty("coworkers").GetString());
        Assert.Equal("union", answers.GetProperty("wants").GetString());
        Assert.Equal("after 9 pm", answers.GetProperty("safe_times").GetString());
        Assert.False(answers.TryGetProperty("supervising_org", out _)); // skipped
    }

    [Fact]
    public async Task A_first_message_that_names_a_language_chooses_it()
    {
        var c = Catalog.Conversation();

        var replies = (await c.SendAsync("english")).Texts();

        Assert.Equal([T("first_contact.hello"), T("first_contact.notice_who"), T("first_contact.notice_stored"), T("first_contact.notice_control"), T("first_contact.consent_ask")], replies);
    }

    [Fact]
    public async Task A_worker_who_declines_is_not_asked_anything_and_nothing_is_kept()
    {
        var c = Catalog.Conversation();
        await c.JoinAsync();
        await c.SendAsync("English");

        var replies = await c.SendAsync("No");

        Assert.Equal([T("first_contact.declined")], replies.Texts());
        Assert.Empty(replies.Buttons());
    }

    [Fact]
    public async Task Danger_in_the_first_message_comes_before_any_question()
    {
        var store = new MemoryStateStore();
        var c = Catalog.Conversation(store: store);

        var replies = (await c.SendAsync("My boss is hitting me right now, please help")).Texts();

        Assert.Equal(T("emergency.first"), replies[0]);
        Assert.StartsWith("If you are in danger now, call 110 (police). If you are hurt or very sick, call 119 (ambulance).", replies[1], StringComparison.Ordinal);
        Assert.Contains("Source: National Police Agency", replies[1], StringComparison.Ordinal);
        Assert.Equal(T("emergency.share_ask"), replies[^1]);
        Assert.DoesNotContain(T("first_contact.consent_ask"), replies);

        var after = (await c.SendAsync("Yes")).Texts();
        Assert.StartsWith("We have marked your case as urgent", after[0], StringComparison.Ordinal);
        var handoff = JsonDocument.Parse(Assert.Single(store.Events, e => e.Kind == "case.handoff").Payload).RootElement;
        Assert.Equal("P0", handoff.GetProperty("urgency").GetString());
        Assert.Equal("violence_now", handoff.GetProperty("emergencyKind").GetString());
        Assert.True(handoff.GetProperty("consentToShare").GetBoolean());
        // Then, and only then, the first contact: the notice and the consent question.
        Assert.Equal(T("first_contact.consent_ask"), after[^1]);
    }

    [Fact]
    public async Task Thoughts_of_suicide_mid_flow_get_the_crisis_line_and_the_question_comes_back()
    {
        var store = new MemoryStateStore();
        var c = Catalog.Conversation(store: store);
        await c.JoinAsync();
        await c.SendAsync("English");

        var replies = (await c.SendAsync("I don't want to live anymore")).Texts();

        Assert.Contains(T("emergency.crisis_not_alone"), replies);
        Assert.Contains(replies, t => t.StartsWith("You can talk to someone now, at any hour: Yorisoi Hotline 0120-279-338", StringComparison.Ordinal));
        Assert.Equal(T("emergency.share_ask"), replies[^1]);

        var after = (await c.SendAsync("No")).Texts();
        Assert.StartsWith("OK, we will not share anything.", after[0], StringComparison.Ordinal);
        Assert.Equal(T("first_contact.consent_ask"), after[^1]); // the interrupted question, asked again
        var handoffs = store.Events.Where(e => e.Kind == "case.handoff").ToList();
        Assert.Empty(handoffs); // no consent, nothing shared
    }

    [Fact]
    public async Task The_airport_path_asks_three_short_questions_then_hands_off()
    {
        var store = new MemoryStateStore();
        var c = Catalog.Conversation(store: store);

        var replies = (await c.SendAsync("They are taking me to the airport now")).Texts();
        Assert.Contains(replies, t => t.StartsWith("Your company, supervising organisation or agency may not send you home against your will.", StringComparison.Ordinal));
        Assert.Equal(T("emergency.where_ask"), replies[^1]);

        Assert.Equal(T("emergency.flight_ask"), (await c.SendAsync("Narita terminal 2"))[^1].Text);
        Assert.Equal(T("emergency.company_ask"), (await c.SendAsync("tonight 9pm"))[^1].Text);
        Assert.Equal(T("emergency.share_ask"), (await c.SendAsync("Skip"))[^1].Text);
        await c.SendAsync("Yes");

        var handoff = JsonDocument.Parse(store.Events.Single(e => e.Kind == "case.handoff").Payload).RootElement;
        Assert.Equal("Narita terminal 2", handoff.GetProperty("answers").GetProperty("location").GetString());
        Assert.Equal("tonight 9pm", handoff.GetProperty("answers").GetProperty("flight_time").GetString());
        Assert.Equal("taken_to_airport", handoff.GetProperty("emergencyKind").GetString());
    }

    [Fact]
    public async Task Not_safe_at_the_safety_question_starts_the_emergency_path()
    {
        var c = Catalog.Conversation();
        await c.SendAsync("The company took my passport");
        await c.SendAsync("Yes"); // consent
        await c.SendAsync("Yes"); // it is about documents
        await c.SendAsync("1");
        await c.SendAsync("1");

        var replies = (await c.SendAsync("No")).Texts();

        Assert.Equal(T("emergency.first"), replies[0]);
    }
}
