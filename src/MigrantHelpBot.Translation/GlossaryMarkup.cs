using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace MigrantHelpBot.Translation;

/// <summary>
/// Placeholder protection for key terms. Azure's dynamic dictionary needs English on one side and a
/// known source language, which a Khmer → Japanese relay has neither of; so a text that contains a
/// term is sent as HTML with the term in <c>&lt;span class="notranslate"&gt;</c> (the translator leaves
/// it as it is), and each span is replaced afterwards by the term as the target language writes it.
/// A text without terms goes as plain text, untouched.
/// </summary>
public static partial class GlossaryMarkup
{
    /// <summary>What is sent for one text, and the terms its spans stand for (by index).</summary>
    public sealed record Marked(string Text, bool Html, IReadOnlyList<(GlossaryTerm Term, string Found)> Terms);

    public static Marked Protect(string text, Glossary glossary)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(glossary);
        var normalized = text.Normalize(NormalizationForm.FormC);
        var hits = Find(normalized, glossary);
        if (hits.Count == 0) return new Marked(text, false, []);
        var html = new StringBuilder(normalized.Length + hits.Count * 48);
        var terms = new List<(GlossaryTerm, string)>(hits.Count);
        var at = 0;
        foreach (var (start, length, term) in hits)
        {
            Escape(html, normalized.AsSpan(at, start - at));
            var found = normalized.Substring(start, length);
            html.Append("<span class=\"notranslate\" id=\"g").Append(terms.Count).Append("\">");
            Escape(html, found);
            html.Append("</span>");
            terms.Add((term, found));
            at = start + length;
        }
        Escape(html, normalized.AsSpan(at));
        return new Marked(html.ToString(), true, terms);
    }

    /// <summary>The translation of <paramref name="marked"/> into <paramref name="language"/> as plain text, each term written the glossary's way.</summary>
    public static string Restore(string translated, Marked marked, string language)
    {
        ArgumentNullException.ThrowIfNull(translated);
        ArgumentNullException.ThrowIfNull(marked);
        if (!marked.Html) return translated;
        var text = new StringBuilder(translated.Length);
        var at = 0;
        foreach (Match span in SpanPattern().Matches(translated))
        {
            text.Append(Unescape(translated[at..span.Index]));
            var index = int.Parse(span.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture);
            text.Append(index < marked.Terms.Count ? marked.Terms[index].Term.Render(language, marked.Terms[index].Found) : Unescape(span.Groups[2].Value));
            at = span.Index + span.Length;
        }
        text.Append(Unescape(translated[at..]));
        return text.ToString();
    }

    /// <summary>One form to look for, with how it is compared, worked out once per glossary.</summary>
    internal sealed record Matcher(string Form, GlossaryTerm Term, StringComparison Comparison, bool WholeWordStart, bool WholeWordEnd);

    /// <summary>The glossary's forms as matchers: forms in spaced scripts ignore case and must stand as whole words at their word-character ends.</summary>
    internal static Matcher[] Compile(IEnumerable<GlossaryTerm> terms) =>
        [.. terms.SelectMany(term => term.Forms.Select(form => new Matcher(
            form, term, form.Any(IsWordChar) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal, IsWordChar(form[0]), IsWordChar(form[^1]))))];

    /// <summary>Non-overlapping occurrences of the glossary's forms, leftmost first and longest at each place.</summary>
    internal static List<(int Start, int Length, GlossaryTerm Term)> Find(string text, Glossary glossary)
    {
        var candidates = new List<(int Start, int Length, GlossaryTerm Term)>();
        foreach (var (form, term, comparison, wholeStart, wholeEnd) in glossary.Matchers)
        {
            for (var i = text.IndexOf(form, comparison); i >= 0; i = text.IndexOf(form, i + 1, comparison))
            {
                // Where a script is written with spaces, a form is a whole word: "TTS" is not inside "TTSX".
                if (wholeStart && i > 0 && IsWordChar(text[i - 1])) continue;
                var after = i + form.Length;
                if (wholeEnd && after < text.Length && IsWordChar(text[after])) continue;
                candidates.Add((i, form.Length, term));
            }
        }
        candidates.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        var chosen = new List<(int, int, GlossaryTerm)>();
        var end = 0;
        foreach (var candidate in candidates)
        {
            if (candidate.Start < end) continue;
            chosen.Add(candidate);
            end = candidate.Start + candidate.Length;
        }
        return chosen;
    }

    /// <summary>
    /// A letter or digit of a script written with spaces between words (Latin: Vietnamese, Tagalog, English).
    /// Japanese, Khmer and Burmese are written without them, so their forms match anywhere.
    /// </summary>
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) && c < '\u2E80' && c is not (>= '\u1000' and <= '\u109F' or >= '\u1780' and <= '\u17FF');

    private static void Escape(StringBuilder html, ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': html.Append("&amp;"); break;
                case '<': html.Append("&lt;"); break;
                case '>': html.Append("&gt;"); break;
                case '\n': html.Append("<br/>"); break;
                case '\r': break;
                default: html.Append(c); break;
            }
        }
    }

    private static string Unescape(string html) => WebUtility.HtmlDecode(LineBreak().Replace(html, "\n"));

    [GeneratedRegex("""<span\b[^>]*?\bid\s*=\s*["']?g(\d+)["']?[^>]*>(.*?)</span\s*>""", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SpanPattern();

    [GeneratedRegex("""<br\s*/?>""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LineBreak();
}
