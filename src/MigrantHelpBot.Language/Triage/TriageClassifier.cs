using MigrantHelpBot.Language.Detection;
using MigrantHelpBot.Language.Lexicons;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Language.Triage;

/// <summary>
/// Reads a worker's message in any of the six languages: Zawgyi to Unicode, language, problem
/// category and whether they are in danger now. Everything it knows is in the lexicon files; the
/// code only adds up what fired.
/// </summary>
public sealed class TriageClassifier(IReadOnlyDictionary<string, Lexicon> lexicons, MyanmarText myanmar)
{
    /// <summary>The category an emergency implies when the words name none.</summary>
    private static readonly Dictionary<string, string> EmergencyCategory = new(StringComparer.Ordinal)
    {
        ["violence_now"] = "violence_harassment",
        ["locked_in"] = "violence_harassment",
        ["serious_injury"] = "injury_illness",
        ["taken_to_airport"] = "forced_return",
    };

    /// <summary>Kinds ranked by how urgent they are, for when several fire.</summary>
    private static readonly string[] EmergencyOrder = ["suicide", "violence_now", "serious_injury", "locked_in", "taken_to_airport", "danger_now"];

    private readonly LanguageDetector _detector = new(lexicons);

    public LanguageDetector Detector => _detector;

    public TriageResult Classify(string text, string? languageHint = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var signals = new List<string>();
        var clean = TextNormalizer.Clean(text);
        var (unicode, wasZawgyi) = myanmar.ToUnicode(clean);
        if (wasZawgyi) signals.Add("encoding:zawgyi");

        var guess = _detector.Detect(unicode, languageHint);
        if (guess.Language is not null) signals.Add($"language:{guess.Language} ({guess.Reason})");

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var emergencies = new List<string>();
        var greeting = false;
        var problem = false;
        foreach (var lexicon in LexiconsFor(guess.Language))
        {
            var prepared = PreparedText.For(unicode, lexicon.Mode);
            foreach (var (id, rules) in lexicon.Categories)
            {
                foreach (var rule in rules)
                {
                    var (fired, terms) = prepared.Evaluate(rule);
                    if (!fired) continue;
                    scores[id] = scores.GetValueOrDefault(id) + rule.Weight;
                    signals.Add($"{id}:{string.Join("+", terms)}");
                }
            }
            foreach (var (kind, rules) in lexicon.Emergency)
            {
                foreach (var rule in rules)
                {
                    var (fired, terms) = prepared.Evaluate(rule);
                    if (!fired) continue;
                    if (!emergencies.Contains(kind)) emergencies.Add(kind);
                    signals.Add($"emergency:{kind}:{string.Join("+", terms)}");
                }
            }
            greeting |= prepared.FirstOf(lexicon.Greetings) is not null;
            if (prepared.FirstOf(lexicon.Problem) is { } hit)
            {
                problem = true;
                signals.Add($"problem:{hit.Text}");
            }
        }

        var emergencyKind = EmergencyOrder.FirstOrDefault(emergencies.Contains);
        if (emergencyKind is not null && EmergencyCategory.TryGetValue(emergencyKind, out var implied))
        {
            scores[implied] = scores.GetValueOrDefault(implied) + 3;
        }

        string? category;
        double confidence;
        if (scores.Count > 0)
        {
            var ranked = scores.OrderByDescending(s => s.Value).ThenBy(s => Array.IndexOf([.. LexiconLoader.CategoryIds], s.Key)).ToList();
            category = ranked[0].Key;
            var best = ranked[0].Value;
            var second = ranked.Count > 1 ? ranked[1].Value : 0;
            confidence = Math.Round(Math.Min(1, best / 4) * (best / (best + second)), 2);
        }
        else if (problem || emergencyKind is not null || (!greeting && LooksLikeAStory(unicode, guess.Language)))
        {
            category = "other";
            confidence = problem ? 0.5 : 0.3;
        }
        else
        {
            category = null; // a greeting, a thank-you, a word: no problem stated
            confidence = greeting ? 0.9 : 0.5;
        }

        return new TriageResult(guess.Language, unicode, category, emergencyKind is not null, emergencyKind, confidence, signals);
    }

    /// <summary>The detected language's lexicon plus English (workers mix in English words); every lexicon if the language is unknown.</summary>
    private IEnumerable<Lexicon> LexiconsFor(string? language)
    {
        if (language is null || !lexicons.TryGetValue(language, out var primary)) return lexicons.Values;
        return language != "en" && lexicons.TryGetValue("en", out var english) ? [primary, english] : [primary];
    }

    /// <summary>A message of several words that names no known problem is still somebody's problem.</summary>
    private static bool LooksLikeAStory(string text, string? language) => language is "km" or "my" or "ja"
        ? TextNormalizer.Unspaced(text).Length >= 20
        : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 6;
}
