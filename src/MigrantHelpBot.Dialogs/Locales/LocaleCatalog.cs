using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MigrantHelpBot.Dialogs.Locales;

/// <summary>
/// Everything workers read, per language, from <c>locales/{code}.yaml</c>. Prompts are written by
/// people, never machine-translated at run time. Placeholders: <c>{fact.id}</c> from the fact
/// files, <c>{name}</c> from the caller.
/// </summary>
public sealed partial class LocaleCatalog
{
    private readonly Dictionary<string, Dictionary<string, string>> _texts;
    private readonly IReadOnlyDictionary<string, Fact> _facts;

    private LocaleCatalog(IReadOnlyList<string> languages, string fallback, Dictionary<string, Dictionary<string, string>> texts, IReadOnlyDictionary<string, Fact> facts)
    {
        Languages = languages;
        Fallback = fallback;
        _texts = texts;
        _facts = facts;
    }

    /// <summary>The offered languages, in order.</summary>
    public IReadOnlyList<string> Languages { get; }

    /// <summary>Every loaded language: the offered ones, the fallback and the staff language.</summary>
    public IEnumerable<string> AllLanguages => _texts.Keys;

    public bool Has(string language, string key) => _texts.TryGetValue(language, out var texts) && texts.ContainsKey(key);

    public string Fallback { get; }

    public IReadOnlyDictionary<string, Fact> Facts => _facts;

    /// <summary>Loads and checks the catalog; throws with every problem listed if it is incomplete.</summary>
    public static LocaleCatalog Load(LanguageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.ResolvedPath;
        if (options.Supported.Count == 0) throw new InvalidDataException("Languages:Supported lists no language.");
        var languages = options.Supported.Append(options.Fallback).Concat(options.Staff).Distinct(StringComparer.Ordinal).ToList();

        var texts = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var language in languages)
        {
            var file = Path.Combine(directory, language + ".yaml");
            if (!File.Exists(file)) throw new InvalidDataException($"There is no locale file for '{language}' ({file}).");
            texts[language] = YamlTree.Flatten(file);
        }

        var catalog = new LocaleCatalog(options.Supported, options.Fallback, texts, FactFiles.Load(Path.Combine(directory, "facts")));
        var problems = catalog.Check();
        if (problems.Count > 0) throw new InvalidDataException("The locale files are incomplete:\n- " + string.Join("\n- ", problems));
        return catalog;
    }

    /// <summary>Every key in every language, every fact a text names exists, and placeholders agree across languages.</summary>
    public IReadOnlyList<string> Check()
    {
        var problems = new List<string>();
        var allKeys = _texts.Values.SelectMany(t => t.Keys).ToHashSet(StringComparer.Ordinal);
        foreach (var (language, texts) in _texts)
        {
            problems.AddRange(allKeys.Where(k => !texts.ContainsKey(k)).Order(StringComparer.Ordinal).Select(k => $"{language}.yaml has no '{k}'."));
            foreach (var (key, text) in texts)
            {
                if (string.IsNullOrWhiteSpace(text)) problems.Add($"{language}.yaml: '{key}' is empty.");
                foreach (Match match in Placeholder().Matches(text))
                {
                    var name = match.Groups[1].Value;
                    if (name.StartsWith("fact.", StringComparison.Ordinal) && !_facts.ContainsKey(FactId(name)))
                    {
                        problems.Add($"{language}.yaml: '{key}' names {{{name}}}, which no fact file defines.");
                    }
                }
            }
        }
        foreach (var key in allKeys)
        {
            var shapes = _texts.Where(t => t.Value.ContainsKey(key))
                .Select(t => (t.Key, Names: string.Join(",", Placeholder().Matches(t.Value[key]).Select(m => m.Value).Order(StringComparer.Ordinal))))
                .ToList();
            if (shapes.Select(s => s.Names).Distinct(StringComparer.Ordinal).Count() > 1)
            {
                problems.Add($"'{key}' uses different placeholders across languages: {string.Join("; ", shapes.Select(s => $"{s.Key}: [{s.Names}]"))}.");
            }
        }
        return problems;
    }

    public bool Supports(string? language) => language is not null && _texts.ContainsKey(language) && Languages.Contains(language, StringComparer.Ordinal);

    /// <summary>The text for <paramref name="key"/> in <paramref name="language"/> (or the fallback language), placeholders filled.</summary>
    public string Text(string? language, string key, IReadOnlyDictionary<string, string>? values = null) =>
        Text(language, key, name => values is not null && values.TryGetValue(name, out var value) ? value : null);

    /// <summary>
    /// The text with its placeholders filled: <c>{fact.id}</c> (and <c>{fact.id.source}</c>,
    /// <c>{fact.id.checked}</c>) from the fact files, <c>{name}</c> from <paramref name="resolve"/>,
    /// and <c>{name:prefix}</c> as the text of key <c>prefix.{value of name}</c> (a stored choice shown by its label).
    /// </summary>
    public string Text(string? language, string key, Func<string, string?> resolve)
    {
        ArgumentNullException.ThrowIfNull(resolve);
        var texts = language is not null && _texts.TryGetValue(language, out var found) ? found : _texts[Fallback];
        if (!texts.TryGetValue(key, out var text) && !_texts[Fallback].TryGetValue(key, out text))
        {
            throw new KeyNotFoundException($"No locale has the key '{key}'.");
        }
        return Placeholder().Replace(text, match =>
        {
            var name = match.Groups[1].Value;
            var prefix = match.Groups[2].Success ? match.Groups[2].Value : null;
            if (name.StartsWith("fact.", StringComparison.Ordinal) && _facts.TryGetValue(FactId(name), out var fact))
            {
                return name.EndsWith(".source", StringComparison.Ordinal) ? fact.Source
                    : name.EndsWith(".checked", StringComparison.Ordinal) ? fact.LastVerified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : GroupDigits(texts, fact.Value);
            }
            var value = resolve(name);
            if (value is null) return match.Value;
            return prefix is not null && Has(language ?? Fallback, $"{prefix}.{value}") ? Text(language, $"{prefix}.{value}", resolve) : GroupDigits(texts, value);
        });
    }

    /// <summary>
    /// A whole number of four digits or more written the reader's way: 1,085 in English, 1.085 in
    /// Vietnamese (where 1,085 would read as one point zero eight five). Anything else is left as it is.
    /// </summary>
    private static string GroupDigits(Dictionary<string, string> texts, string value)
    {
        if (value.Length < 4 || !value.All(char.IsAsciiDigit) || value[0] == '0') return value;
        var separator = texts.TryGetValue("language.digit_group", out var s) ? s : ",";
        var grouped = new StringBuilder(value.Length + (value.Length / 3));
        for (var i = 0; i < value.Length; i++)
        {
            if (i > 0 && (value.Length - i) % 3 == 0) grouped.Append(separator);
            grouped.Append(value[i]);
        }
        return grouped.ToString();
    }

    /// <summary>The alternatives of a word-list key (<c>"có|co|vâng"</c>), normalised for comparing with what a worker typed.</summary>
    public IReadOnlyList<string> Words(string language, string key) =>
        Has(language, key) ? [.. _texts[language][key].Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(Normalize)] : [];

    private static string FactId(string placeholder)
    {
        var id = placeholder["fact.".Length..];
        foreach (var attribute in new[] { ".source", ".checked" })
        {
            if (id.EndsWith(attribute, StringComparison.Ordinal)) return id[..^attribute.Length];
        }
        return id;
    }

    /// <summary>One line per offered language, <paramref name="first"/> first: for when we do not yet know which one the worker reads.</summary>
    public string InEveryLanguage(string key, string? first = null)
    {
        var order = first is not null && Supports(first) ? Languages.Where(l => l == first).Concat(Languages.Where(l => l != first)) : Languages;
        var builder = new StringBuilder();
        foreach (var language in order)
        {
            if (builder.Length > 0) builder.Append('\n');
            builder.Append(Text(language, key));
        }
        return builder.ToString();
    }

    /// <summary>The offered language a BCP 47 tag (<c>vi-VN</c>, <c>fil</c>, <c>my-MM</c>) points to, if any.</summary>
    public string? MatchLocale(string? locale)
    {
        if (string.IsNullOrWhiteSpace(locale)) return null;
        var primary = locale.Split('-', '_')[0].ToLowerInvariant();
        if (primary == "fil") primary = "tl";
        return Supports(primary) ? primary : null;
    }

    [GeneratedRegex(@"\{([a-z0-9_.]+)(?::([a-z0-9_.]+))?\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>How typed answers and words are compared: NFC, lower case, no invisible spaces (Khmer keyboards add them), trimmed.</summary>
    public static string Normalize(string text) =>
        text.Normalize(NormalizationForm.FormC).Replace("\u200B", string.Empty, StringComparison.Ordinal).Replace("\u200C", string.Empty, StringComparison.Ordinal)
            .Replace("\u200D", string.Empty, StringComparison.Ordinal).Replace("\uFEFF", string.Empty, StringComparison.Ordinal)
            .Trim().ToLower(CultureInfo.InvariantCulture);
}
