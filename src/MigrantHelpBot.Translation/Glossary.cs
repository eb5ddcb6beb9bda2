using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace MigrantHelpBot.Translation;

/// <summary>
/// A key term machine translation must render the same way every time: <see cref="Say"/> is how it is
/// written in each language translated into; <see cref="Forms"/> are the ways it is recognised in a
/// message (in any language, the <see cref="Say"/> forms included).
/// </summary>
public sealed record GlossaryTerm(string Id, IReadOnlyDictionary<string, string> Say, IReadOnlyList<string> Forms)
{
    /// <summary>How the term is written in <paramref name="language"/>: its own form, else English, else <paramref name="found"/> as it was.</summary>
    public string Render(string language, string found) =>
        Say.TryGetValue(language, out var text) ? text : Say.TryGetValue("en", out var english) ? english : found;
}

/// <summary>The key terms: <c>locales/data/glossary.yaml</c> and the directory's organisation names.</summary>
public sealed class Glossary
{
    public static readonly Glossary Empty = new([]);

    public Glossary(IReadOnlyList<GlossaryTerm> terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        Terms = terms;
        var fingerprint = new StringBuilder();
        foreach (var term in terms)
        {
            fingerprint.Append(term.Id).Append('\u0001');
            foreach (var (language, text) in term.Say.OrderBy(p => p.Key, StringComparer.Ordinal)) fingerprint.Append(language).Append('=').Append(text).Append('\u0001');
            foreach (var form in term.Forms) fingerprint.Append(form).Append('\u0001');
        }
        Version = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(fingerprint.ToString())))[..16];
        Matchers = GlossaryMarkup.Compile(terms);
    }

    public IReadOnlyList<GlossaryTerm> Terms { get; }

    /// <summary>Every form of every term, ready to search for (built once: the glossary is searched for each text translated).</summary>
    internal IReadOnlyList<GlossaryMarkup.Matcher> Matchers { get; }

    /// <summary>Changes when any term does: part of every cache key, so a changed glossary is never answered from the cache.</summary>
    public string Version { get; }

    public Glossary With(IEnumerable<GlossaryTerm> more) => new([.. Terms, .. more]);

    /// <summary>Reads a glossary file; a missing file is an empty glossary, a broken one an error naming the term.</summary>
    public static Glossary Load(string path)
    {
        if (!File.Exists(path)) return Empty;
        var file = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build()
            .Deserialize<GlossaryFile>(File.ReadAllText(path)) ?? new GlossaryFile();
        var terms = new List<GlossaryTerm>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in file.Terms)
        {
            if (string.IsNullOrWhiteSpace(entry.Id) || !ids.Add(entry.Id)) throw new InvalidDataException($"{path}: every term needs a unique id ('{entry.Id}').");
            if (!entry.Say.ContainsKey("ja") || !entry.Say.ContainsKey("en")) throw new InvalidDataException($"{path}: term '{entry.Id}' needs at least ja and en.");
            var forms = entry.Say.Values.Concat(entry.Match.Values.SelectMany(v => v)).Where(f => !string.IsNullOrWhiteSpace(f)).Select(f => f.Trim()).ToList();
            terms.Add(Term(entry.Id, entry.Say, forms));
        }
        return new Glossary(terms);
    }

    /// <summary>A term; forms shorter than 2 characters are dropped (they would match inside ordinary words).</summary>
    public static GlossaryTerm Term(string id, IReadOnlyDictionary<string, string> say, IEnumerable<string> forms) =>
        new(id, say.ToDictionary(p => p.Key, p => p.Value.Normalize(NormalizationForm.FormC), StringComparer.Ordinal),
            [.. forms.Select(f => f.Normalize(NormalizationForm.FormC)).Where(f => f.Length >= 2).Distinct(StringComparer.OrdinalIgnoreCase)]);

    private sealed class GlossaryFile
    {
        public string? Source { get; set; }
        public string? LastVerified { get; set; }
        public List<GlossaryEntry> Terms { get; set; } = [];
    }

    private sealed class GlossaryEntry
    {
        public string Id { get; set; } = string.Empty;
        public string? Note { get; set; }
        public Dictionary<string, string> Say { get; set; } = [];
        public Dictionary<string, List<string>> Match { get; set; } = [];
    }
}

/// <summary>Terms that come from elsewhere than the glossary file (organisation names from the directory).</summary>
public interface IGlossaryTerms
{
    Task<IReadOnlyList<GlossaryTerm>> TermsAsync(CancellationToken cancellationToken);
}
