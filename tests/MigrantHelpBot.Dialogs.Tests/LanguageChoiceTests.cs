using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

/// <summary>How the worker's language is chosen, and numbers written their way.</summary>
public class LanguageChoiceTests
{
    private static readonly Locales.LocaleCatalog L = Catalog.Real;

    private static string T(string language, string key) => L.Text(language, key, _ => null);

    [Fact]
    public async Task A_story_written_at_the_language_question_chooses_its_language_and_is_not_asked_again()
    {
        var c = Catalog.Conversation(locales: L);
        await c.JoinAsync();

        var notice = (await c.SendAsync("ក្រុមហ៊ុនមិនបានបើកប្រាក់ខែឱ្យខ្ញុំ ៣ ខែហើយ")).Texts();
        Assert.Equal(T("km", "first_contact.notice_who"), notice[0]);
        Assert.Equal(T("km", "first_contact.consent_ask"), notice[^1]);

        var next = (await c.SendAsync(T("km", "common.yes"))).Texts();
        Assert.DoesNotContain(T("km", "triage.ask_story"), next); // they already told it
        Assert.Equal(L.Text("km", "triage.confirm", new Dictionary<string, string> { ["proposed_category"] = "unpaid_wages" }), next[^1]);
    }

    [Fact]
    public async Task A_greeting_at_the_language_question_asks_again_with_the_buttons()
    {
        var c = Catalog.Conversation(locales: L);
        await c.JoinAsync();

        var replies = await c.SendAsync("hi");

        Assert.Equal(T("en", "retry.language"), replies.Texts()[0]);
        Assert.Contains("Tagalog", replies.Buttons());
    }

    [Fact]
    public async Task Worker_language_can_be_changed_at_any_time_and_the_question_comes_back_in_it()
    {
        var c = Catalog.Conversation(locales: L);
        await c.SendAsync("Tiếng Việt");
        await c.SendAsync("Có");

        await c.SendAsync(L.Words("vi", "input.commands.language")[0]);
        var replies = (await c.SendAsync("Tagalog")).Texts();

        Assert.Equal(T("tl", "commands.language.done"), replies[0]);
        Assert.Equal(T("tl", "triage.ask_story"), replies[^1]);
    }

    [Theory]
    [InlineData("vi", "1.085")]
    [InlineData("km", "1.085")]
    [InlineData("tl", "1,085")]
    [InlineData("my", "1,085")]
    [InlineData("en", "1,085")]
    [InlineData("ja", "1,085")]
    public void Numbers_of_four_digits_or_more_are_written_the_readers_way(string language, string expected)
    {
        var text = L.Text(language, "rights.wages.minimum_prefecture", new Dictionary<string, string>
        {
            ["prefecture_name"] = "Hiroshima", ["min_wage_yen"] = "1085", ["min_wage_from"] = "2025-11-01",
        });

        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Contains("2025-11-01", text, StringComparison.Ordinal); // dates are left alone
        Assert.Contains(language is "vi" or "km" ? "3.600" : "3,600", L.Text(language, "rights.debt.caps", _ => null), StringComparison.Ordinal);
    }
}
