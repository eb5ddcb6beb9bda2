using MigrantHelpBot.Language.Lexicons;

namespace MigrantHelpBot.Language.Detection;

/// <summary>What language a text is in, how sure we are, and why.</summary>
public sealed record LanguageGuess(string? Language, double Confidence, string Reason)
{
    public static readonly LanguageGuess Unknown = new(null, 0, "no evidence");
}

/// <summary>
/// Khmer, Burmese and Japanese by script; Vietnamese by its letters (ơ, ư, đ, tone marks) or, typed
/// without them, by its frequent words; Tagalog (Taglish included) and English by their frequent
/// words, from each lexicon's <c>detect</c> list. A channel's locale hint decides when the text is
/// too short to tell.
/// </summary>
public sealed class LanguageDetector(IReadOnlyDictionary<string, Lexicon> lexicons)
{
    private const string VietnameseLetters = "ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ";

    public LanguageGuess Detect(string text, string? hint = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        int khmer = 0, myanmar = 0, japanese = 0, latin = 0, vietnamese = 0;
        foreach (var c in text)
        {
            if (c is >= '\u1780' and <= '\u17FF' or >= '\u19E0' and <= '\u19FF') khmer++;
            else if (c is >= '\u1000' and <= '\u109F' or >= '\uAA60' and <= '\uAA7F' or >= '\uA9E0' and <= '\uA9FF') myanmar++;
            else if (c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF' or >= '\uFF66' and <= '\uFF9F') japanese++;
            else if (char.IsLetter(c))
            {
                latin++;
                if (VietnameseLetters.Contains(char.ToLowerInvariant(c), StringComparison.Ordinal)) vietnamese++;
            }
        }

        var letters = khmer + myanmar + japanese + latin;
        if (letters == 0) return FromHint(hint) ?? LanguageGuess.Unknown;
        if (khmer * 2 >= letters) return new("km", Share(khmer, letters), "Khmer script");
        if (myanmar * 2 >= letters) return new("my", Share(myanmar, letters), "Myanmar script");
        if (japanese * 2 >= letters) return new("ja", Share(japanese, letters), "Japanese script");
        if (vietnamese >= 2 || (vietnamese == 1 && latin <= 12)) return new("vi", Math.Min(1, 0.7 + (0.1 * vietnamese)), "Vietnamese letters");

        // Latin script without Vietnamese letters: count each language's frequent words.
        var scores = new Dictionary<string, double>(StringComparer.Ordinal);
        var words = PreparedText.For(text, MatchMode.Words);
        foreach (var (language, lexicon) in lexicons)
        {
            if (lexicon.Shared) continue;
            var score = WordScore(words, lexicon);
            if (score > 0) scores[language] = score;
        }
        if (scores.Count == 0) return FromHint(hint) ?? LanguageGuess.Unknown;

        // Taglish: a few Tagalog function words among English ones still make it Tagalog, unless
        // another language (unaccented Vietnamese shares "ko", "di", "nang") has more of its own.
        if (scores.TryGetValue("tl", out var tagalog) && scores.TryGetValue("en", out var english) && tagalog >= 2 && tagalog * 2 >= english
            && scores.All(s => s.Key is "tl" or "en" || s.Value < tagalog))
        {
            return new("tl", Share(tagalog, tagalog + english), "Tagalog words (Taglish)");
        }
        var best = scores.MaxBy(s => s.Value);
        var total = scores.Values.Sum();
        var confidence = Share(best.Value, total) * Math.Min(1, best.Value / 3);
        if (confidence < 0.3 && FromHint(hint) is { } hinted) return hinted;
        return new(best.Key, confidence, $"{best.Key} words");
    }

    /// <summary>The languages whose own script has a few letters (4 or more) in the text: km, my, ja.</summary>
    public static IEnumerable<string> ScriptsIn(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int khmer = 0, myanmar = 0, japanese = 0;
        foreach (var c in text)
        {
            if (c is >= '\u1780' and <= '\u17FF' or >= '\u19E0' and <= '\u19FF') khmer++;
            else if (c is >= '\u1000' and <= '\u109F' or >= '\uAA60' and <= '\uAA7F' or >= '\uA9E0' and <= '\uA9FF') myanmar++;
            else if (c is >= '\u3040' and <= '\u30FF' or >= '\u4E00' and <= '\u9FFF' or >= '\uFF66' and <= '\uFF9F') japanese++;
        }
        if (khmer >= 4) yield return "km";
        if (myanmar >= 4) yield return "my";
        if (japanese >= 2) yield return "ja";
    }

    /// <summary>How much of <paramref name="lexicon"/>'s frequent words the text has (Latin scripts).</summary>
    public static double WordScore(PreparedText words, Lexicon lexicon)
    {
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(lexicon);
        if (lexicon.Mode != MatchMode.Words || words.Mode != MatchMode.Words) return 0;
        var score = 0.0;
        foreach (var term in lexicon.Detect) if (words.Contains(term)) score += term.Weight;
        return score;
    }

    private LanguageGuess? FromHint(string? hint)
    {
        if (string.IsNullOrWhiteSpace(hint)) return null;
        var primary = hint.Split('-', '_')[0].ToLowerInvariant();
        if (primary == "fil") primary = "tl";
        return lexicons.ContainsKey(primary) ? new LanguageGuess(primary, 0.5, "channel locale hint") : null;
    }

    private static double Share(double part, double whole) => whole <= 0 ? 0 : Math.Round(part / whole, 2);
}
