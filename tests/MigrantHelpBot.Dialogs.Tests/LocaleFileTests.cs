using System.Globalization;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

public class LocaleFileTests
{
    public static TheoryData<string> Languages => [.. Catalog.Languages];

    [Fact]
    public void Every_language_has_every_key_and_the_same_placeholders()
    {
        Assert.Empty(Catalog.Real.Check());
    }

    [Fact]
    public void Every_fact_names_its_source_and_when_it_was_last_checked()
    {
        Assert.NotEmpty(Catalog.Real.Facts);
        foreach (var fact in Catalog.Real.Facts.Values)
        {
            Assert.False(string.IsNullOrWhiteSpace(fact.Source), fact.Id);
            Assert.InRange(fact.LastVerified, new DateOnly(2020, 1, 1), DateOnly.FromDateTime(DateTime.UtcNow.AddDays(1)));
        }
        Assert.Equal("110", Catalog.Real.Facts["emergency.police"].Value);
        Assert.Equal("119", Catalog.Real.Facts["emergency.ambulance"].Value);
    }

    /// <summary>Every text shown on a button: option labels in the flows, categories, yes/no/skip, command and language buttons.</summary>
    private static IEnumerable<string> LabelKeys() =>
        Catalog.Flows.Flows.Values.SelectMany(f => f.Steps.Values).SelectMany(s => s.Options).Select(o => o.Label)
            .Concat(Keys("en").Where(k => k.StartsWith("category.", StringComparison.Ordinal) || (k.StartsWith("commands.", StringComparison.Ordinal) && k.EndsWith(".label", StringComparison.Ordinal))))
            .Concat(["common.yes", "common.no", "common.skip", "language.name"])
            .Distinct();

    [Theory, MemberData(nameof(AllLanguages))]
    public void Button_labels_fit_line_and_messenger(string language)
    {
        foreach (var key in LabelKeys())
        {
            var label = Catalog.Real.Text(language, key);
            Assert.True(new StringInfo(label).LengthInTextElements <= 20, $"{language} {key} '{label}' is longer than 20 characters");
        }
    }

    [Theory, MemberData(nameof(AllLanguages))]
    public void No_message_is_longer_than_messenger_allows(string language)
    {
        foreach (var key in Keys("en"))
        {
            Assert.True(Catalog.Real.Text(language, key).Length <= 2000, $"{language} {key} is over 2,000 characters");
        }
    }

    public static TheoryData<string> AllLanguages => [.. Catalog.Languages, "ja"];

    [Theory, MemberData(nameof(AllLanguages))]
    public void Facts_are_filled_in_not_left_as_placeholders(string language)
    {
        var text = Catalog.Real.Text(language, "safety.emergency");
        Assert.Contains("110", text);
        Assert.Contains("119", text);
        Assert.DoesNotContain("{", text);
    }

    [Fact]
    public void Burmese_is_unicode_not_zawgyi()
    {
        foreach (var key in Keys("my"))
        {
            var text = Catalog.Real.Text("my", key);
            for (var i = 0; i < text.Length; i++)
            {
                // Zawgyi stores the vowel sign E (U+1031) before its consonant, and uses U+1060–U+1097 for stacked forms.
                Assert.False(text[i] == '\u1031' && (i == 0 || !IsMyanmarLetterOrMedial(text[i - 1])), $"my.yaml '{key}': U+1031 not after a consonant (Zawgyi order) at {i}");
                Assert.False(text[i] is >= '\u1060' and <= '\u1097', $"my.yaml '{key}': Zawgyi-only code point U+{(int)text[i]:X4}");
            }
        }
    }

    [Theory, MemberData(nameof(AllLanguages))]
    public void Texts_are_normalised_unicode_without_hidden_characters(string language)
    {
        foreach (var key in Keys(language))
        {
            var text = Catalog.Real.Text(language, key);
            Assert.True(text.IsNormalized(System.Text.NormalizationForm.FormC), $"{language} '{key}' is not NFC");
            Assert.DoesNotContain(text, c => c is '\uFEFF' or '\u200B' or '\u00A0');
        }
    }

    [Fact]
    public void The_english_source_never_labels_workers_or_asks_for_passport_images()
    {
        string[] forbidden =
        [
            "runaway", "run away", "ran away", "illegal worker", "illegal migrant", "illegal immigrant", "illegal foreigner", "illegals",
            "disappeared", "disappearance", "overstayer", "photo of your passport", "picture of your passport", "passport photo", "send us your passport",
        ];
        foreach (var key in Keys("en").Where(k => !k.StartsWith("input.", StringComparison.Ordinal)))
        {
            var text = Catalog.English.Text("en", key).ToLowerInvariant();
            foreach (var word in forbidden) Assert.DoesNotContain(word, text);
        }
    }

    [Fact]
    public void A_missing_key_is_reported_with_the_file_and_key()
    {
        using var temporary = new TemporaryDirectory();
        var directory = temporary.Path;
        File.WriteAllText(Path.Combine(directory, "en.yaml"), "a:\n  b: \"one\"\n  c: \"two {x}\"\n");
        File.WriteAllText(Path.Combine(directory, "vi.yaml"), "a:\n  b: \"một\"\n  c: \"hai {y}\"\n  d: \"extra\"\n");

        var error = Assert.Throws<InvalidDataException>(() => LocaleCatalog.Load(new LanguageOptions { Supported = ["vi", "en"], Path = directory }));

        Assert.Contains("en.yaml has no 'a.d'", error.Message);
        Assert.Contains("'a.c' uses different placeholders", error.Message);
    }

    [Fact]
    public void A_fact_without_a_source_is_refused()
    {
        using var temporary = new TemporaryDirectory();
        var directory = temporary.Path;
        Directory.CreateDirectory(Path.Combine(directory, "facts"));
        File.WriteAllText(Path.Combine(directory, "en.yaml"), "a: \"call {fact.x}\"\n");
        File.WriteAllText(Path.Combine(directory, "facts", "f.yaml"), "facts:\n  x:\n    value: \"1\"\n");

        var error = Assert.Throws<InvalidDataException>(() => LocaleCatalog.Load(new LanguageOptions { Supported = ["en"], Path = directory }));
        Assert.Contains("needs a source", error.Message);
    }

    private static IEnumerable<string> Keys(string language) =>
        YamlKeys(Path.Combine(RepositoryPaths.Locales, language + ".yaml"));

    private static IEnumerable<string> YamlKeys(string file)
    {
        var stack = new List<(int Indent, string Key)>();
        foreach (var line in File.ReadLines(file))
        {
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var indent = line.Length - trimmed.Length;
            var colon = trimmed.IndexOf(':');
            if (colon <= 0) continue;
            while (stack.Count > 0 && stack[^1].Indent >= indent) stack.RemoveAt(stack.Count - 1);
            stack.Add((indent, trimmed[..colon]));
            if (trimmed[(colon + 1)..].Trim().Length > 0) yield return string.Join('.', stack.Select(s => s.Key));
        }
    }

    private static bool IsMyanmarLetterOrMedial(char c) => c is >= '\u1000' and <= '\u102A' or >= '\u103B' and <= '\u103E' or '\u1039' or '\u103A';
}
