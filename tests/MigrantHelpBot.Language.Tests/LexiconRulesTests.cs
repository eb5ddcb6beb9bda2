using Microsoft.Extensions.Logging.Abstractions;
using MigrantHelpBot.Language.Lexicons;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Language.Tests;

/// <summary>The lexicon language itself (wildcards, gaps, exclusions) and how scores add up, on small made-up lexicons.</summary>
public sealed class LexiconRulesTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private Lexicon Write(string name, string yaml)
    {
        var path = Path.Combine(_folder.Path, name + ".yaml");
        File.WriteAllText(path, yaml);
        return LexiconLoader.Load(path);
    }

    /// <summary>A classifier over the given lexicons (code → YAML), written to files as the host reads them.</summary>
    private TriageClassifier Classifier(params (string Code, string Yaml)[] lexicons) =>
        new(lexicons.ToDictionary(l => l.Code, l => Write(l.Code, l.Yaml)), new MyanmarText(NullLogger<MyanmarText>.Instance));

    private static bool Matches(Lexicon lexicon, string text) =>
        PreparedText.For(text, lexicon.Mode).FirstOf(lexicon.Categories["violence_harassment"].Single().Any) is not null;

    [Theory]
    [InlineData("sinaktan ako", true)]
    [InlineData("sinasaktan po ako", true)]
    [InlineData("saktan", true)]
    [InlineData("masakit", false)]
    public void A_star_inside_a_word_matches_any_infix(string text, bool expected)
    {
        var lexicon = Write("tl", "language: tl\ncategories:\n  violence_harassment:\n    - s*aktan\n");
        Assert.Equal(expected, Matches(lexicon, text));
    }

    [Theory]
    [InlineData("không cho đi viện", true)]
    [InlineData("khong cho em di vien", true)]
    [InlineData("không cho em ấy đi viện", true)]
    [InlineData("không cho em ấy nữa đi viện", false)]
    [InlineData("cho đi viện", false)]
    public void A_gap_allows_up_to_n_words_in_between(string text, bool expected)
    {
        var lexicon = Write("vi", "language: vi\ncategories:\n  violence_harassment:\n    - không cho ~2 đi viện\n");
        Assert.Equal(expected, Matches(lexicon, text));
    }

    [Theory]
    [InlineData("ရိုက်နေတယ်", true)]
    [InlineData("ရိုက် အခု နေတယ်", true)]
    [InlineData("ရိုက်တယ်။ အခု အလုပ်မှာ နေတယ်", false)] // not across the end of a sentence
    public void In_unspaced_text_a_gap_allows_up_to_n_characters(string text, bool expected)
    {
        var lexicon = Write("my", "language: my\nmode: unspaced\ncategories:\n  violence_harassment:\n    - ရိုက်~8နေ\n");
        Assert.Equal(expected, Matches(lexicon, text));
    }

    [Theory]
    [InlineData("- không cho ~9 đi viện", "between ~1 and ~5")]
    [InlineData("- ~2 đi viện", "starts or ends with a gap")]
    public void A_bad_gap_is_named_with_its_file(string entry, string problem)
    {
        var error = Assert.Throws<InvalidDataException>(() => Write("vi", $"language: vi\ncategories:\n  violence_harassment:\n    {entry}\n"));
        Assert.Contains("vi.yaml", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Theory]
    [InlineData("He is hitting me.", true)]
    [InlineData("Last year he was hitting me.", false)]
    [InlineData("Last year he hit me too. Now he is hitting me again, help", true)]
    [InlineData("Last year he was hitting me, now it is better", false)]
    public void A_none_word_only_counts_in_the_sentence_of_the_rules_words(string text, bool emergency)
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [he, me, is, the]\nemergency:\n  violence_now:\n    - any: [hitting me]\n      none: [last year]\n"));

        Assert.Equal(emergency, classifier.Classify(text).Emergency);
    }

    [Fact]
    public void Words_in_another_script_are_read_in_that_scripts_lexicon()
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [help, me, please, is, the, boss]\n"),
            ("my", "language: my\nmode: unspaced\nemergency:\n  violence_now:\n    - ရိုက်နေ\n"));

        var result = classifier.Classify("help me please the boss is hitting me ဘော့စ် ရိုက်နေတယ်");

        Assert.Equal("en", result.Language);
        Assert.Equal("violence_now", result.EmergencyKind);
    }

    [Fact]
    public void A_romanised_Japanese_word_glued_to_Burmese_is_still_a_word()
    {
        var lexicon = Write("ja-Latn", "language: ja-Latn\nshared: true\ncategories:\n  violence_harassment:\n    - kumiai\n");
        Assert.True(Matches(lexicon, "kumiaiက ငါ့ကို"));
    }

    [Fact]
    public void The_same_words_in_two_lexicons_count_once()
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [the, i, am, without]\ncategories:\n  documents_withheld:\n    - zairyu card: 3\n  runaway_risk:\n    - work without papers: 4\n"),
            ("ja-Latn", "language: ja-Latn\nshared: true\ncategories:\n  documents_withheld:\n    - zairyu card: 3\n"));

        var result = classifier.Classify("i am offered work without papers, i have no zairyu card");

        Assert.Equal("runaway_risk", result.Category); // 4 against 3, not 4 against 6
        Assert.Single(result.Signals, s => s == "documents_withheld:zairyu card");
    }

    [Theory]
    [InlineData("i am so tired i want to die", "injury_illness")]
    [InlineData("no salary for months, i want to die", "unpaid_wages")]
    public void Thoughts_of_suicide_file_under_health_unless_a_problem_is_clearly_named(string text, string category)
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [i, am, so, for]\ncategories:\n  excessive_hours:\n    - tired: 1\n  unpaid_wages:\n    - no salary: 3\nemergency:\n  suicide:\n    - want to die\n"));

        var result = classifier.Classify(text);

        Assert.Equal(category, result.Category);
        Assert.True(result.Emergency);
        Assert.Equal("suicide", result.EmergencyKind);
    }

    [Fact]
    public void English_leaning_Taglish_is_also_read_with_the_Tagalog_words()
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [the, my, is, not, for, months, company, i, me]\n"),
            ("tl", "language: tl\ndetect: [ako: 1, po: 0.5, ng: 0.5]\ncategories:\n  unpaid_wages:\n    - sahod: 3\n"));

        var result = classifier.Classify("the company is not giving my sahod for months, help me po ako");

        Assert.Equal("en", result.Language);
        Assert.Equal("unpaid_wages", result.Category);
    }

    [Fact]
    public void A_long_story_that_opens_with_a_greeting_is_still_a_problem()
    {
        var classifier = Classifier(
            ("en", "language: en\ndetect: [the, my, i, is, and, to]\ngreetings: [hello]\n"));

        Assert.Null(classifier.Classify("hello, how are you today").Category);
        Assert.Null(classifier.Classify("hello to all of you, thank you for the help last week, I wish you a good weekend").Category);
        Assert.Equal("other", classifier.Classify("hello, my landlord is asking me to leave the flat by friday and I do not know where I can go with my two children").Category);
    }
}
