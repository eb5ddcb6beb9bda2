using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Language.Lexicons;

/// <summary>A message prepared once for matching in one mode.</summary>
public sealed class PreparedText
{
    private static readonly char[] SentenceEnds = ['.', '!', '?', '。', '！', '？', '။', '។', '៕', '\n', ';'];

    private readonly string _clean;
    private IReadOnlyList<PreparedText>? _sentences;
    private Dictionary<NeedleSet, NeedleHits>? _scans;
    private NeedleSet? _lastNeedles;
    private NeedleHits? _lastHits;

    private PreparedText(MatchMode mode, string clean, string text)
    {
        Mode = mode;
        _clean = clean;
        Text = text;
    }

    public MatchMode Mode { get; }

    /// <summary>The form terms are compared with (" folded words " for Latin scripts).</summary>
    public string Text { get; }

    public static PreparedText For(string cleanText, MatchMode mode) => new(mode, cleanText, mode switch
    {
        MatchMode.Words => TextNormalizer.FoldLatin(cleanText),
        MatchMode.Japanese => TextNormalizer.Japanese(cleanText),
        _ => TextNormalizer.Unspaced(cleanText),
    });

    /// <summary>The message's sentences, each prepared the same way.</summary>
    private IReadOnlyList<PreparedText> Sentences => _sentences ??=
        [.. _clean.Split(SentenceEnds, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(sentence => For(sentence, Mode))];

    public bool Contains(WeightedTerm term) =>
        term.Pattern is { } pattern ? RequiredFound(term) && pattern.IsMatch(Text)
        : term.Needles is { } needles ? Found(needles)[term.NeedleId]
        : term.Needle is { } needle ? Text.Contains(needle, StringComparison.Ordinal)
        : Contains(term.Text);

    private bool RequiredFound(WeightedTerm term)
    {
        if (term.Needles is not { } needles) return true;
        var found = Found(needles);
        var required = term.Required;
        for (var i = 0; i < required.Count; i++) if (!found[required[i]]) return false;
        return true;
    }

    private bool[] Found(NeedleSet needles) => Hits(needles).Found;

    /// <summary>One scan of the text per needle set (per lexicon), remembered for the message.</summary>
    public NeedleHits Hits(NeedleSet needles)
    {
        ArgumentNullException.ThrowIfNull(needles);
        if (ReferenceEquals(needles, _lastNeedles)) return _lastHits!;
        _scans ??= new Dictionary<NeedleSet, NeedleHits>(ReferenceEqualityComparer.Instance);
        if (!_scans.TryGetValue(needles, out var hits)) _scans[needles] = hits = needles.ScanHits(Text);
        (_lastNeedles, _lastHits) = (needles, hits);
        return hits;
    }

    public bool Contains(string term) => Text.Contains(Needle(term, Mode), StringComparison.Ordinal);

    /// <summary>
    /// What a prepared term looks for in prepared text: in words mode a whole word is " core ",
    /// a word with any ending " core", with any beginning "core ", with both "core".
    /// </summary>
    public static string Needle(string term, MatchMode mode)
    {
        if (mode != MatchMode.Words) return term;
        var anyStart = term.StartsWith('*');
        var anyEnd = term.EndsWith('*');
        var core = term.Trim('*');
        return (anyStart, anyEnd) switch
        {
            (true, true) => core,
            (false, false) => " " + core + " ",
            (false, true) => " " + core,
            _ => core + " ",
        };
    }

    /// <summary>The first term of <paramref name="terms"/> found, or null.</summary>
    public WeightedTerm? FirstOf(IReadOnlyList<WeightedTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        // Indexed, not foreach: this runs for every rule of every lexicon on every message, and an
        // interface enumerator is an allocation each time.
        for (var i = 0; i < terms.Count; i++) if (Contains(terms[i])) return terms[i];
        return null;
    }

    /// <summary>
    /// Whether a rule fires (one of its <c>any</c> terms, one term of each <c>all</c> group, and
    /// none of its <c>none</c> terms), and the terms that made it fire. A <c>none</c> term only
    /// counts in a sentence that has the rule's terms: "Last year he hit me. Now he is hitting me
    /// again" still fires, because the second sentence has no word of the past.
    /// </summary>
    public (bool Fired, IReadOnlyList<string> Terms) Evaluate(TermRule rule)
    {
        WeightedTerm? first = null;
        if (rule.Any.Count > 0 && (first = FirstOf(rule.Any)) is null) return (false, []);
        for (var i = 0; i < rule.All.Count; i++)
        {
            if (FirstOf(rule.All[i]) is null) return (false, []);
        }
        // It fires: now collect the terms (the rare path; most rules do not fire).
        var found = new List<WeightedTerm>(1 + rule.All.Count);
        if (first is not null) found.Add(first);
        foreach (var group in rule.All) found.Add(FirstOf(group)!);
        if (found.Count == 0) return (false, []);
        if (rule.None.Count > 0 && FirstOf(rule.None) is not null
            && !Sentences.Any(sentence => found.Any(sentence.Contains) && sentence.FirstOf(rule.None) is null))
        {
            return (false, []);
        }
        return (true, [.. found.Select(t => t.Text)]);
    }
}
