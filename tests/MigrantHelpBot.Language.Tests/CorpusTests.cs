using System.Globalization;
using System.Text;
using MigrantHelpBot.Language.Lexicons;

namespace MigrantHelpBot.Language.Tests;

/// <summary>
/// The classifier against labelled corpora of realistic worker messages (typos, missing diacritics,
/// Taglish, Zawgyi). The aims (issue 3): ≥ 90 % category accuracy, 100 % emergency recall, ≥ 90 %
/// emergency precision, per language, on messages nobody tuned the lexicons on.
/// <para>
/// <c>dev/</c> is what the lexicon writers tune on (including the earlier blind sets, held out once
/// and then burned): it must meet the aims. <c>test/</c> is the current blind set, written by people
/// who never saw the lexicons; its messages are never printed. It meets the aims in every language
/// (2026-11-21: vi, km and my on round 7's set, tl on round 8's — after six and seven earlier rounds
/// were each run once, missed, and burned into dev), so it now asserts them: a lexicon change that
/// misses an unseen emergency fails here.
/// </para>
/// </summary>
public class CorpusTests
{
    private const double AimAccuracy = 0.9, AimRecall = 1, AimPrecision = 0.9;

    public static TheoryData<string> Languages => ["vi", "tl", "km", "my"];

    [Theory, MemberData(nameof(Languages))]
    public void The_development_set_meets_the_aims(string language)
    {
        var score = Score("dev", language);
        Assert.True(score.MeetsAims, score.Summary + Environment.NewLine + score.Misses);
    }

    [Theory, MemberData(nameof(Languages))]
    public void The_blind_test_set_meets_the_aims(string language)
    {
        var score = Score("test", language);
        // Only the totals: the blind set's messages are never printed, so nobody tunes on them.
        Assert.True(score.MeetsAims, "AIMS NOT MET (" + score.UnmetAims + "): " + score.Summary);
    }

    private sealed record CorpusScore(string Summary, string Misses, double Accuracy, double Recall, double Precision)
    {
        public bool MeetsAims => UnmetAims.Length == 0;

        public string UnmetAims => string.Join(", ", new[]
        {
            Accuracy < AimAccuracy ? "category accuracy" : null,
            Recall < AimRecall ? "emergency recall" : null,
            Precision < AimPrecision ? "emergency precision" : null,
        }.OfType<string>());
    }

    private static CorpusScore Score(string set, string language)
    {
        var messages = LabelledCorpus.Load(set, language);
        Assert.True(messages.Count >= 40, $"{set}/{language}.yaml has {messages.Count} messages; at least 40 are needed.");

        int correct = 0, languageCorrect = 0, emergencies = 0, caught = 0, flagged = 0;
        var report = new StringBuilder();
        foreach (var message in messages)
        {
            var result = Classifiers.Real.Classify(message.Text);
            var ok = result.Category == message.Category;
            if (ok) correct++;
            if (result.Language == language || (message.Category is null && result.Language is null)) languageCorrect++;
            if (message.Emergency) emergencies++;
            if (result.Emergency) flagged++;
            if (message.Emergency && result.Emergency) caught++;
            if (!ok || result.Emergency != message.Emergency)
            {
                report.AppendLine(CultureInfo.InvariantCulture,
                    $"  ✗ expected {message.Category ?? "null"}{(message.Emergency ? " + EMERGENCY" : "")}, got {result.Category ?? "null"}{(result.Emergency ? " + EMERGENCY" : "")} [{result.Language}]: {message.Text}");
                report.AppendLine(CultureInfo.InvariantCulture, $"      signals: {string.Join(" | ", result.Signals)}");
            }
        }

        var accuracy = (double)correct / messages.Count;
        var recall = emergencies == 0 ? 1 : (double)caught / emergencies;
        var precision = flagged == 0 ? 1 : (double)caught / flagged;
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"{set}/{language}: {messages.Count} messages · category accuracy {accuracy:P1} · language {languageCorrect}/{messages.Count} · emergency recall {recall:P0} ({caught}/{emergencies}) · precision {precision:P0} ({caught}/{flagged})");
        // The blind test set stays blind: its messages are never printed, only the totals, so
        // nobody tuning a lexicon sees them.
        var misses = set == "test" ? "(messages of the blind test set are not shown)" : report.ToString();
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        TestContext.Current.TestOutputHelper?.WriteLine(misses);
        return new CorpusScore(summary, misses, accuracy, recall, precision);
    }

    [Fact]
    public void Every_lexicon_loads_and_uses_only_the_fixed_ids()
    {
        var lexicons = LexiconLoader.LoadDirectory(Classifiers.LexiconDirectory);
        Assert.Equal(["en", "ja", "ja-Latn", "km", "my", "tl", "vi"], lexicons.Keys.Order());
        foreach (var lexicon in lexicons.Values.Where(l => !l.Shared))
        {
            Assert.All(lexicon.Categories.Keys, id => Assert.Contains(id, LexiconLoader.CategoryIds));
            Assert.All(lexicon.Emergency.Keys, kind => Assert.Contains(kind, LexiconLoader.EmergencyKinds));
            Assert.Equal(5, lexicon.Emergency.Keys.Count(k => k != "danger_now"));
        }
    }
}
