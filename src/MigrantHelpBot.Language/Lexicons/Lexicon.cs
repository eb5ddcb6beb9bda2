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

    /// <summary>Emergency kind → the rules that fire it.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<TermRule>> Emergency { get; init; } = new Dictionary<string, IReadOnlyList<TermRule>>();
}
