using System.Globalization;
using System.Text;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>What an answer to a question turned out to be.</summary>
public sealed record Answer(bool Understood, string? Value, bool Skipped = false, string? FreeText = null)
{
    public static readonly Answer NotUnderstood = new(false, null);
    public static readonly Answer Skip = new(true, null, Skipped: true);
}

/// <summary>Reads an answer to each kind of question: buttons in any language, numbers in any digits, prefectures as people write them.</summary>
public sealed partial class PromptReader(LocaleCatalog locales, Prefectures prefectures)
{
    public const int MaxTextLength = 2000;
    public const string ZawgyiOption = "my_zawgyi";

    public Answer Read(Step step, string text)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(text);
        // "Yes.", "はい。", "បាទ។": the closing punctuation is not part of the answer.
        var said = LocaleCatalog.Normalize(text).TrimEnd('.', '!', '?', '。', '！', '？', '។', '။', '၊', ' ');
        if (said.Length == 0) return Answer.NotUnderstood;
        if (step.Skippable && IsWord(said, "common.skip", "input.skip")) return Answer.Skip;

        switch (step.Prompt)
        {
            case PromptKind.Text:
                var clean = text.Trim();
                return new Answer(true, clean.Length > MaxTextLength ? clean[..MaxTextLength] : clean);

            case PromptKind.YesNo:
                if (IsWord(said, "common.yes", "input.yes")) return new Answer(true, "yes");
                if (IsWord(said, "common.no", "input.no")) return new Answer(true, "no");
                return Answer.NotUnderstood;

            case PromptKind.Choice:
                if (MatchOption(step.Options, said) is { } option) return new Answer(true, option);
                return step.FreeText is not null && said.Length >= 2
                    ? new Answer(true, null, FreeText: text.Trim().Length > MaxTextLength ? text.Trim()[..MaxTextLength] : text.Trim())
                    : Answer.NotUnderstood;

            case PromptKind.Number:
                return FirstNumber(text) is { } number && (step.Min is null || number >= step.Min) && (step.Max is null || number <= step.Max)
                    ? new Answer(true, number.ToString(CultureInfo.InvariantCulture))
                    : Answer.NotUnderstood;

            case PromptKind.Prefecture:
                return prefectures.Match(text) is { } prefecture ? new Answer(true, prefecture.Id) : Answer.NotUnderstood;

            case PromptKind.Language:
                return ReadLanguage(said) is { } chosen ? new Answer(true, chosen) : Answer.NotUnderstood;

            default:
                return Answer.NotUnderstood;
        }
    }

    /// <summary>A language's name as its button shows it, or its code ("Tagalog", "tiếng việt", "km"); <see cref="ZawgyiOption"/> for Burmese in Zawgyi.</summary>
    public string? ReadLanguage(string text)
    {
        var said = LocaleCatalog.Normalize(text).TrimEnd('.', '!', '?', '。', '។', '။', ' ');
        if (said.Length == 0) return null;
        if (said.Contains("zawgyi", StringComparison.Ordinal)) return ZawgyiOption;
        foreach (var code in locales.Languages)
        {
            if (said == code || said == LocaleCatalog.Normalize(locales.Text(code, "language.name"))) return code;
        }
        return said is "fil" or "filipino" ? "tl" : null;
    }

    private string? MatchOption(IReadOnlyList<ChoiceOption> options, string said)
    {
        // A number picks the option in that place ("2"); a label in any language picks its option.
        if (int.TryParse(DigitsToAscii(said), NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 1 && index <= options.Count)
        {
            return options[index - 1].Value;
        }
        foreach (var option in options)
        {
            if (said == option.Value) return option.Value;
            // An option that means yes or no ("Yes, I am safe") also takes the plain yes and no words.
            if (option.Value == "yes" && IsWord(said, "common.yes", "input.yes")) return option.Value;
            if (option.Value == "no" && IsWord(said, "common.no", "input.no")) return option.Value;
            foreach (var language in locales.AllLanguages)
            {
                if (locales.Has(language, option.Label) && said == LocaleCatalog.Normalize(locales.Text(language, option.Label, _ => null))) return option.Value;
                if (locales.Words(language, "input." + option.Label).Contains(said)) return option.Value;
            }
        }
        return null;
    }

    private bool IsWord(string said, string labelKey, string wordsKey) =>
        locales.AllLanguages.Any(l => said == LocaleCatalog.Normalize(locales.Text(l, labelKey, _ => null)) || locales.Words(l, wordsKey).Contains(said));

    /// <summary>The first whole number in the text, in ASCII, full-width, Khmer or Myanmar digits ("3 tháng", "៣ខែ", "၁၂ နာရီ", "1,200円").</summary>
    public static int? FirstNumber(string text)
    {
        var ascii = ThousandsSeparator().Replace(DigitsToAscii(text), string.Empty);
        var match = WholeNumber().Match(ascii);
        return match.Success && match.Value.Length <= 9 ? int.Parse(match.Value, CultureInfo.InvariantCulture) : null;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"(?<=\d)[,.](?=\d{3}(?!\d))")]
    private static partial System.Text.RegularExpressions.Regex ThousandsSeparator();

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+")]
    private static partial System.Text.RegularExpressions.Regex WholeNumber();

    private static string DigitsToAscii(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(c switch
            {
                >= '\u17E0' and <= '\u17E9' => (char)('0' + (c - '\u17E0')),
                >= '\u1040' and <= '\u1049' => (char)('0' + (c - '\u1040')),
                >= '\uFF10' and <= '\uFF19' => (char)('0' + (c - '\uFF10')),
                _ => c,
            });
        }
        return builder.ToString();
    }
}
