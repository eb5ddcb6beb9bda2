namespace MigrantHelpBot.Language.Lexicons;

/// <summary>How a language's text and terms are compared.</summary>
public enum MatchMode
{
    /// <summary>Latin script (vi, tl, en): folded words; a term matches whole words, <c>*</c> at an end matches any ending.</summary>
    Words,

    /// <summary>Khmer, Burmese: spaces removed from text and term; a term matches anywhere.</summary>
    Unspaced,

    /// <summary>Japanese: width-normalised, spaces removed; a term matches anywhere.</summary>
    Japanese,
}

/// <summary>A term and what it weighs; <see cref="Pattern"/> when it has a gap (<c>~2</c>) or a <c>*</c> inside a word.</summary>
public sealed record WeightedTerm(string Text, double Weight)
{
    public System.Text.RegularExpressions.Regex? Pattern { get; init; }

    /// <summary>What to look for in the prepared text, worked out once when the lexicon loads (" luong " for a whole word).</summary>
    public string? Needle { get; init; }

    /// <summary>The lexicon's needle set holding <see cref="Needle"/>, and its id there: found in one scan of the text.</summary>
    public NeedleSet? Needles { get; init; }

    public int NeedleId { get; init; } = -1;

    /// <summary>For a <see cref="Pattern"/>: ids in <see cref="Needles"/> of the literal pieces it cannot match without, so the pattern only runs when they are all there.</summary>
    public IReadOnlyList<int> Required { get; init; } = [];
}

/// <summary>
/// A condition over terms: one of <see cref="Any"/> and one term of every group in <see cref="All"/>,
/// and none of <see cref="None"/> (e.g. words that put it in the past: "last year").
/// </summary>
public sealed record TermRule(IReadOnlyList<WeightedTerm> Any, IReadOnlyList<IReadOnlyList<WeightedTerm>> All, double Weight)
{
    public IReadOnlyList<WeightedTerm> None { get; init; } = [];
}

/// <summary>One language's data for detection and triage, loaded from <c>locales/triage/{code}.yaml</c>.</summary>
public sealed class Lexicon
{
    public required string Language { get; init; }
    public required MatchMode Mode { get; init; }

    /// <summary>Applied to every message whatever its language (romanised Japanese workplace words all workers use).</summary>
    public bool Shared { get; init; }

    /// <summary>Frequent words that mark text as written in this language.</summary>
    public IReadOnlyList<WeightedTerm> Detect { get; init; } = [];

    /// <summary>A message made only of these states no problem.</summary>
    public IReadOnlyList<WeightedTerm> Greetings { get; init; } = [];

    /// <summary>Words that say there is a problem without saying which (→ <c>other</c>).</summary>
    public IReadOnlyList<WeightedTerm> Problem { get; init; } = [];

    /// <summary>Category id → the terms and rules that point to it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TermRule>> Categories { get; init; } = new Dictionary<string, IReadOnlyList<TermRule>>();

    /// <summary>Every plain term of the lexicon, for one-pass matching.</summary>
    public NeedleSet Needles { get; init; } = new();

    /// <summary>Emergency kind → the rules that fire it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TermRule>> Emergency { get; init; } = new Dictionary<string, IReadOnlyList<TermRule>>();

    private RuleIndex? _index;

    /// <summary>Every rule, categories then emergencies, in file order.</summary>
    public IReadOnlyList<LexiconRule> Rules => Index.Rules;

    /// <summary>
    /// The indexes in <see cref="Rules"/>, ascending, of the rules that can fire on <paramref name="text"/>:
    /// those with a term the one scan found, and the few whose terms the scan cannot see. Every other
    /// rule is certain not to fire, so a message costs one scan and a handful of rule checks.
    /// </summary>
    public IReadOnlyList<int> CandidateRules(PreparedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var index = Index;
        var hits = text.Hits(Needles);
        if (hits.Ids.Count == 0) return index.AlwaysChecked;
        var candidates = new List<int>(index.AlwaysChecked);
        for (var i = 0; i < hits.Ids.Count; i++)
        {
            if (index.ByNeedle.TryGetValue(hits.Ids[i], out var rules)) candidates.AddRange(rules);
        }
        candidates.Sort();
        // Drop repeats (a rule reached through two of its terms) in place.
        var kept = 0;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (kept == 0 || candidates[kept - 1] != candidates[i]) candidates[kept++] = candidates[i];
        }
        candidates.RemoveRange(kept, candidates.Count - kept);
        return candidates;
    }

    private RuleIndex Index => _index ??= RuleIndex.Build(this);

    private sealed record RuleIndex(IReadOnlyList<LexiconRule> Rules, Dictionary<int, int[]> ByNeedle, int[] AlwaysChecked)
    {
        public static RuleIndex Build(Lexicon lexicon)
        {
            var rules = new List<LexiconRule>();
            foreach (var (id, list) in lexicon.Categories) rules.AddRange(list.Select(rule => new LexiconRule(id, false, rule)));
            foreach (var (kind, list) in lexicon.Emergency) rules.AddRange(list.Select(rule => new LexiconRule(kind, true, rule)));

            var byNeedle = new Dictionary<int, List<int>>();
            var always = new List<int>();
            for (var i = 0; i < rules.Count; i++)
            {
                // A rule cannot fire without one of its "any" terms (or, with none, one term of its
                // first "all" group); each such term is reached through a needle of this lexicon's set.
                var rule = rules[i].Rule;
                var triggers = rule.Any.Count > 0 ? rule.Any : rule.All[0];
                var needles = triggers.Select(term => Trigger(term, lexicon.Needles)).ToList();
                if (needles.Any(n => n < 0))
                {
                    always.Add(i);
                    continue;
                }
                foreach (var needle in needles.Distinct())
                {
                    if (!byNeedle.TryGetValue(needle, out var list)) byNeedle[needle] = list = [];
                    list.Add(i);
                }
            }
            return new RuleIndex(rules, byNeedle.ToDictionary(e => e.Key, e => e.Value.ToArray()), [.. always]);
        }

        /// <summary>The needle whose absence rules the term out, or -1 when the scan cannot tell.</summary>
        private static int Trigger(WeightedTerm term, NeedleSet needles)
        {
            if (!ReferenceEquals(term.Needles, needles)) return -1;
            if (term.Pattern is null) return term.NeedleId;
            return term.Required.Count > 0 ? term.Required[0] : -1;
        }
    }
}

/// <summary>A rule of a lexicon and what it points to: a category id, or an emergency kind.</summary>
public sealed record LexiconRule(string Section, bool IsEmergency, TermRule Rule);
