using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Language.Lexicons;

/// <summary>A message prepared once for matching in one mode.</summary>
public sealed class PreparedText
{
    private PreparedText(MatchMode mode, string text)
    {
        Mode = mode;
        Text = text;
    }

    public MatchMode Mode { get; }

    /// <summary>The form terms are compared with (" folded words " for Latin scripts).</summary>
    public string Text { get; }

    public static PreparedText For(string cleanText, MatchMode mode) => new(mode, mode switch
    {
        MatchMode.Words => TextNormalizer.FoldLatin(cleanText),
        MatchMode.Japanese => TextNormalizer.Japanese(cleanText),
        _ => TextNormalizer.Unspaced(cleanText),
    });

    public bool Contains(WeightedTerm term) => term.Pattern is { } pattern ? pattern.IsMatch(Text) : Contains(term.Text);

    public bool Contains(string term)
    {
        if (Mode != MatchMode.Words) return Text.Contains(term, StringComparison.Ordinal);
        var anyStart = term.StartsWith('*');
        var anyEnd = term.EndsWith('*');
        var core = term.Trim('*');
        if (anyStart && anyEnd) return Text.Contains(core, StringComparison.Ordinal);
        if (!anyStart && !anyEnd) return Text.Contains(" " + core + " ", StringComparison.Ordinal);
        if (anyEnd) return Text.Contains(" " + core, StringComparison.Ordinal);
        return Text.Contains(core + " ", StringComparison.Ordinal);
    }

    /// <summary>The first term of <paramref name="terms"/> found, or null.</summary>
    public WeightedTerm? FirstOf(IReadOnlyList<WeightedTerm> terms)
    {
        foreach (var term in terms) if (Contains(term)) return term;
        return null;
    }

    /// <summary>Whether a rule fires (one of its <c>any</c> terms, one term of each <c>all</c> group, none of its <c>none</c> terms), and the terms that made it fire.</summary>
    public (bool Fired, IReadOnlyList<string> Terms) Evaluate(TermRule rule)
    {
        if (rule.None.Count > 0 && FirstOf(rule.None) is not null) return (false, []);
        var found = new List<string>();
        if (rule.Any.Count > 0)
        {
            if (FirstOf(rule.Any) is not { } hit) return (false, []);
            found.Add(hit.Text);
        }
        foreach (var group in rule.All)
        {
            if (FirstOf(group) is not { } hit) return (false, []);
            found.Add(hit.Text);
        }
        return (found.Count > 0, found);
    }
}
