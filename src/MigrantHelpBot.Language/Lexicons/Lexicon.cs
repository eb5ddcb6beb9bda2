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

/// <summary>A term and what it weighs.</summary>
public sealed record WeightedTerm(string Text, double Weight);

/// <summary>A condition over terms: any of <see cref="Any"/>, or every group in <see cref="All"/> matched.</summary>
public sealed record TermRule(IReadOnlyList<WeightedTerm> Any, IReadOnlyList<IReadOnlyList<WeightedTerm>> All, double Weight);

/// <summary>One language's data for detection and triage, loaded from <c>locales/triage/{code}.yaml</c>.</summary>
public sealed class Lexicon
{
    public required string Language { get; init; }
    public required MatchMode Mode { get; init; }

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
