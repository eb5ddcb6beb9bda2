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

    /// <summary>Khmer and Burmese are written without spaces between words: match on the text with every space removed.</summary>
    public static string Unspaced(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var builder = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormC))
        {
            if (char.IsWhiteSpace(c) || c is '\u200B' or '\u200C' or '\u200D' or '\uFEFF') continue;
            builder.Append(char.ToLowerInvariant(c));
        }
        return builder.ToString();
    }

    /// <summary>Japanese: width-normalised (NFKC: full-width letters, half-width kana) and lower-cased, spaces removed.</summary>
    public static string Japanese(string text) => Unspaced(text.Normalize(NormalizationForm.FormKC));
}
