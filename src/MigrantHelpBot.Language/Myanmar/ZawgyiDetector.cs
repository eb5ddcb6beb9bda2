namespace MigrantHelpBot.Language.Myanmar;

/// <summary>
/// Tells Zawgyi-encoded Burmese from Unicode Burmese. Zawgyi reuses Myanmar code points in visual
/// order (the vowel sign E and medial RA typed before their consonant, stacked consonants as
/// precomposed forms in U+1060–U+1097, U+1039 as the "asat"); Unicode stores logical order. Each
/// pattern below can only occur in one of the two, so counting them gives a probability; text
/// without Myanmar letters scores 0.
/// </summary>
public static class ZawgyiDetector
{
    /// <summary>At or above this the text is treated as Zawgyi: one pattern that Unicode cannot contain, and nothing only Unicode contains.</summary>
    public const double Threshold = 0.8;

    public static bool IsZawgyi(string text) => Probability(text) >= Threshold;

    /// <summary>P(Zawgyi | Burmese); 0 when the text has no Myanmar letters or no evidence either way.</summary>
    public static double Probability(string text)
    {
        var (zawgyi, unicode) = Evidence(text);
        if (zawgyi + unicode == 0) return 0;
        // A little smoothing toward Unicode: one ambiguous hint must not flip a whole message.
        return zawgyi / (zawgyi + unicode + 0.5);
    }

    /// <summary>The weight of the patterns only Zawgyi can contain, and of those only Unicode can: both 0 when the text could be either.</summary>
    public static (double Zawgyi, double Unicode) Evidence(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        double zawgyi = 0, unicode = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is < '\u1000' or > '\u109F') continue;
            var previous = i > 0 ? text[i - 1] : ' ';
            var next = i + 1 < text.Length ? text[i + 1] : ' ';

            switch (c)
            {
                // Stacked consonants, kinzi and other precomposed forms exist only in Zawgyi
                // (Unicode gives this block to Shan, Karen and Mon letters, not to Burmese).
                case >= '\u1060' and <= '\u1097':
                    zawgyi += 3;
                    break;

                // Vowel sign E: Unicode stores it after its consonant (and medials), so it can never
                // start a syllable; Zawgyi types it first. After a consonant it could be either.
                case '\u1031':
                    if (!IsConsonantOrMedial(previous)) zawgyi += 3;
                    break;

                // U+103B: Unicode's medial YA always follows a consonant; Zawgyi's medial RA comes first.
                case '\u103B':
                    if (!IsConsonantOrMedial(previous)) zawgyi += 3;
                    break;

                // U+1039: Unicode's virama is always followed by the consonant it stacks;
                // Zawgyi's asat ends a syllable (before a space, a tone mark, the end).
                case '\u1039':
                    if (!IsConsonant(next)) zawgyi += 3;
                    break;

                // U+103A: Unicode's asat ends a syllable; Zawgyi's medial YA is followed by a vowel sign
                // (weak: Unicode spells a few words with asat before U, as in ကျွန်ုပ်).
                case '\u103A':
                    if (IsVowelSign(next)) zawgyi += next is '\u102F' or '\u1030' ? 0.5 : 2;
                    // ...unless the syllable began with the vowel sign E (ေက်း is Zawgyi's "thank you": E, consonant, medial YA, visarga).
                    else if (i >= 2 && text[i - 2] == '\u1031') break;
                    else if (next is ' ' or '\u1037' or '\u1038' or '\u104A' or '\u104B' || !IsMyanmar(next)) unicode += 2;
                    break;

                // Unicode's medial HA; Zawgyi writes HA as U+103D and never uses U+103E.
                case '\u103E':
                    unicode += 2;
                    break;
            }
        }

        return (zawgyi, unicode);
    }

    private static bool IsMyanmar(char c) => c is >= '\u1000' and <= '\u109F';

    private static bool IsConsonant(char c) => c is >= '\u1000' and <= '\u102A' or '\u103F' or >= '\u1050' and <= '\u1055';

    private static bool IsConsonantOrMedial(char c) => IsConsonant(c) || c is >= '\u103B' and <= '\u103E' or '\u1039' or '\u103A';

    private static bool IsVowelSign(char c) => c is >= '\u102B' and <= '\u1032' or '\u1036';
}
