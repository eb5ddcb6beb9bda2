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
                // Where the script changes a new word starts: "kumiaiက" is "kumiai" and a Burmese word.
                var previous = builder[^1];
                if (char.IsLetter(mapped) && char.IsLetter(previous) && IsLatin(mapped) != IsLatin(previous)) builder.Append(' ');
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

    private static bool IsLatin(char c) => c < '\u0250' || c is >= '\u1E00' and <= '\u1EFF';

    /// <summary>
    /// Khmer and Burmese are written without spaces between words: match on the text with every space
    /// removed. Khmer and Myanmar digits become ASCII digits (៣០០ and ၃၀၀ are 300), a Myanmar zero
    /// between letters is the letter WA it is often typed for (၀ for ဝ), and spellings that look the
    /// same on screen but are typed in another order become one (see <see cref="LookAlikes"/>).
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
        LookAlikes(builder);
        return builder.ToString();
    }

    /// <summary>
    /// What phones let people type in more than one way, shown the same: Khmer េ + ី for ើ (ហេីយ,
    /// ហើយ), ំ before ុ (ខ្ញំុ, ខ្ញុំ), a vowel before the register sign ៉ or ៊ (មោ៉ង, ម៉ោង), the
    /// subscript ្ដ for ្ត (ម្ដង, ម្តង); Burmese vowel signs out of the standard order (ု before ိ:
    /// ရုိက်, ရိုက်). Normalisation (NFC) leaves all of these alone: their marks do not reorder.
    /// </summary>
    private static void LookAlikes(StringBuilder text)
    {
        for (var i = 0; i + 1 < text.Length; i++)
        {
            var (a, b) = (text[i], text[i + 1]);
            if (a == '\u17C1' && b == '\u17B8')
            {
                text[i] = '\u17BE';
                text.Remove(i + 1, 1);
            }
            else if (a == '\u17D2' && b == '\u178A')
            {
                text[i + 1] = '\u178F';
            }
            else if ((a == '\u17C6' && b == '\u17BB') || (a is >= '\u17B6' and <= '\u17C5' && b is '\u17C9' or '\u17CA')
                || (MyanmarVowelRank(a) > MyanmarVowelRank(b) && MyanmarVowelRank(b) > 0))
            {
                (text[i], text[i + 1]) = (b, a);
                if (i > 0) i -= 2; // the swapped mark may now be out of order with the one before it
            }
        }
    }

    /// <summary>Where a Burmese vowel sign goes in the standard order (ေ, then ိ ီ, ု ူ, ါ ာ, ဲ, ံ); 0 for anything else.</summary>
    private static int MyanmarVowelRank(char c) => c switch
    {
        '\u1031' => 1,
        '\u102D' or '\u102E' => 2,
        '\u102F' or '\u1030' => 3,
        '\u102B' or '\u102C' => 4,
        '\u1032' => 5,
        '\u1036' => 6,
        _ => 0,
    };

    private static char At(string text, int index) => index >= 0 && index < text.Length ? text[index] : ' ';

    private static bool IsMyanmarLetter(char c) => c is >= '\u1000' and <= '\u103F';

    /// <summary>Japanese: width-normalised (NFKC: full-width letters, half-width kana) and lower-cased, spaces removed.</summary>
    public static string Japanese(string text) => Unspaced(text.Normalize(NormalizationForm.FormKC));
}
