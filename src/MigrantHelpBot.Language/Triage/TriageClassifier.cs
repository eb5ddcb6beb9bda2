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

    /// <summary>The category an emergency kind implies (violence now → violence_harassment), or null.</summary>
    public static string? CategoryOf(string? emergencyKind) => emergencyKind is null ? null : EmergencyCategory.GetValueOrDefault(emergencyKind);

    /// <summary>Kinds ranked by how urgent they are, for when several fire.</summary>
    private static readonly string[] EmergencyOrder = ["suicide", "violence_now", "serious_injury", "locked_in", "taken_to_airport", "danger_now"];

    private readonly LanguageDetector _detector = new(lexicons);

    public LanguageDetector Detector => _detector;

    /// <summary>The lexicons it reads with, by language code.</summary>
    public IReadOnlyDictionary<string, Lexicon> Lexicons => lexicons;

    public TriageResult Classify(string text, string? languageHint = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var signals = new List<string>();
        var clean = TextNormalizer.Clean(text);
        var (unicode, wasZawgyi) = myanmar.ToUnicode(clean);
        if (wasZawgyi) signals.Add("encoding:zawgyi");

        var guess = _detector.Detect(unicode, languageHint);
        if (guess.Language is not null) signals.Add($"language:{guess.Language} ({guess.Reason})");

        // What fired, per category and set of terms: the same words in two lexicons (English and
        // romanised Japanese both know "zairyu card") count once, at the higher weight.
        var fired = new Dictionary<(string Category, string Terms), double>();
        var emergencies = new List<string>();
        var greeting = false;
        var problem = false;
        // The text prepared once per way of matching, shared by every lexicon that matches that way.
        var preparedBy = new Dictionary<MatchMode, PreparedText>();
        PreparedText Prepared(MatchMode mode) => preparedBy.TryGetValue(mode, out var p) ? p : preparedBy[mode] = PreparedText.For(unicode, mode);
        foreach (var lexicon in LexiconsFor(guess.Language, unicode, Prepared))
        {
            var prepared = Prepared(lexicon.Mode);
            var candidates = lexicon.CandidateRules(prepared);
            for (var i = 0; i < candidates.Count; i++)
            {
                var (section, isEmergency, rule) = lexicon.Rules[candidates[i]];
                var (matched, terms) = prepared.Evaluate(rule);
                if (!matched) continue;
                if (isEmergency)
                {
                    if (!emergencies.Contains(section)) emergencies.Add(section);
                    signals.Add($"emergency:{section}:{string.Join("+", terms)}");
                    continue;
                }
                var key = (section, string.Join("+", terms));
                if (!fired.TryGetValue(key, out var before)) signals.Add($"{section}:{key.Item2}");
                fired[key] = Math.Max(before, rule.Weight);
            }
            greeting |= prepared.FirstOf(lexicon.Greetings) is not null;
            if (prepared.FirstOf(lexicon.Problem) is { } hit)
            {
                problem = true;
                signals.Add($"problem:{hit.Text}");
            }
        }

        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var ((id, _), weight) in fired) scores[id] = scores.GetValueOrDefault(id) + weight;

        var emergencyKind = EmergencyOrder.FirstOrDefault(emergencies.Contains);
        if (emergencyKind is not null && EmergencyCategory.TryGetValue(emergencyKind, out var implied))
        {
            scores[implied] = scores.GetValueOrDefault(implied) + 3;
        }
        else if (emergencyKind == "suicide" && !scores.Values.Any(score => score >= StatedProblem))
        {
            // Thoughts of suicide and no other problem clearly named: a matter of (mental) health,
            // whatever stray word ("tired") scored a little.
            scores["injury_illness"] = Math.Max(scores.GetValueOrDefault("injury_illness"), scores.Values.DefaultIfEmpty(0).Max()) + 1;
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
        else if (problem || emergencyKind is not null || ((!greeting || IsLong(unicode, guess.Language)) && LooksLikeAStory(unicode, guess.Language)))
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

    /// <summary>
    /// The detected language's lexicon, plus English (workers mix in English words), the shared ones
    /// (romanised Japanese), and, when the text is English by a little, any other Latin-script
    /// language with a fair share of its words in it (English-leaning Taglish); every lexicon if the
    /// language is unknown.
    /// </summary>
    private IEnumerable<Lexicon> LexiconsFor(string? language, string text, Func<MatchMode, PreparedText> prepared)
    {
        if (language is null || !lexicons.TryGetValue(language, out var primary)) return lexicons.Values;
        var chosen = new List<Lexicon> { primary };
        if (language != "en" && lexicons.TryGetValue("en", out var english)) chosen.Add(english);
        if (language == "en")
        {
            chosen.AddRange(lexicons.Values.Where(l => !l.Shared && l != primary && l.Mode == MatchMode.Words && LanguageDetector.WordScore(prepared(MatchMode.Words), l) >= MixedLanguage));
        }
        // A few words in another script ("boss is hitting me ဘော့စ် ရိုက်နေတယ်") are read in that script's lexicon too.
        foreach (var scripted in LanguageDetector.ScriptsIn(text))
        {
            if (lexicons.TryGetValue(scripted, out var lexicon) && !chosen.Contains(lexicon)) chosen.Add(lexicon);
        }
        chosen.AddRange(lexicons.Values.Where(l => l.Shared && !chosen.Contains(l)));
        return chosen;
    }

    /// <summary>A category scoring this much names a problem in its own right.</summary>
    private const double StatedProblem = 3;

    /// <summary>How much of another language's frequent words makes an "English" message mixed.</summary>
    private const double MixedLanguage = 1;

    /// <summary>A message of several words that names no known problem is still somebody's problem.</summary>
    private static bool LooksLikeAStory(string text, string? language) => language is "km" or "my" or "ja"
        ? TextNormalizer.Unspaced(text).Length >= 40
        : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 6;

    /// <summary>Too long to be only a greeting, whatever greeting word it opens with.</summary>
    private static bool IsLong(string text, string? language) => language is "km" or "my" or "ja"
        ? TextNormalizer.Unspaced(text).Length >= 120
        : text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length >= 20;
}
