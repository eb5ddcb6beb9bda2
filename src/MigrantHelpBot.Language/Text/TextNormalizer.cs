using System.Globalization;
using System.Text;

namespace MigrantHelpBot.Language.Text;

/// <summary>How text is cleaned before anything reads it, and the folded forms the lexicons match on.</summary>
public static class TextNormalizer
{
    /// <summary>Unicode NFC, control characters removed, runs of whitespace collapsed, trimmed. Keeps case and diacritics.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(normalized.Length);
        var space = false;
        foreach (var c in normalized)
        {
            if (char.IsWhiteSpace(c) || c == '\u200B')
            {
                if (c is '\n' && builder.Length > 0 && builder[^1] != '\n')
                {
                    if (space) builder.Length--;
                    builder.Append('\n');
                    space = false;
                    continue;
                }
                if (!space && builder.Length > 0 && builder[^1] != '\n') builder.Append(' ');
                space = true;
                continue;
            }
            if (char.IsControl(c) || c == '\uFEFF') continue;
            builder.Append(c);
            space = false;
        }
        return builder.ToString().Trim();
    }

    /// <summary>
    /// Latin-script words, lower-cased with diacritics removed (đ → d), separated by single spaces and
    /// padded with a space at each end, so a term matches on word boundaries: " luong ".
    /// </summary>
    public static string FoldLatin(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length + 2);
        builder.Append(' ');
        foreach (var c in decomposed)
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            var mapped = c switch { 'đ' => 'd', 'ð' => 'd', 'ł' => 'l', 'ø' => 'o', _ => c };
            if (char.IsLetterOrDigit(mapped))
            {
                builder.Append(mapped);
            }
            else if (mapped == '\'' || mapped == '’')
            {
                // "di'ba", "pa'no": drop the apostrophe, keep the word whole
            }
            else if (builder[^1] != ' ')
            {
                builder.Append(' ');
            }
        }
        if (builder[^1] != ' ') builder.Append(' ');
        return builder.ToString();
    }

    /// <summary>
    /// Khmer and Burmese are written without spaces between words: match on the text with every space
    /// removed. Khmer and Myanmar digits become ASCII digits (៣០០ and ၃၀၀ are 300), and a Myanmar
    /// zero between letters is the letter WA it is often typed for (၀ for ဝ).
    /// </summary>
    public static string Unspaced(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var normalized = text.Normalize(NormalizationForm.FormC);
        var builder = new StringBuilder(normalized.Length);
        for (var i = 0; i < normalized.Length; i++)
        {
            var c = normalized[i];
            if (char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF') continue;
            if (c == '\u1040' && (IsMyanmarLetter(At(normalized, i - 1)) || IsMyanmarLetter(At(normalized, i + 1))))
            {
                builder.Append('\u101D');
                continue;
            }
            builder.Append(c switch
            {
                >= '\u17E0' and <= '\u17E9' => (char)('0' + (c - '\u17E0')),
                >= '\u1040' and <= '\u1049' => (char)('0' + (c - '\u1040')),
                _ => char.ToLowerInvariant(c),
            });
        }
        return builder.ToString();
    }

    private static char At(string text, int index) => index >= 0 && index < text.Length ? text[index] : ' ';

    private static bool IsMyanmarLetter(char c) => c is >= '\u1000' and <= '\u103F';

    /// <summary>Japanese: width-normalised (NFKC: full-width letters, half-width kana) and lower-cased, spaces removed.</summary>
    public static string Japanese(string text) => Unspaced(text.Normalize(NormalizationForm.FormKC));
}
