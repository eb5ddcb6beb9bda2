using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MigrantHelpBot.Language.Text;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Language.Lexicons;

/// <summary>
/// Reads <c>locales/triage/{code}.yaml</c>. An entry of a category or emergency kind is a term
/// (<c>- lương</c>, weight 1), a weighted term (<c>- chưa trả lương: 3</c>), a group (<c>- "@hit": 2</c>:
/// any of its terms), or a rule
/// (<c>- all: ["@hit", "@now"]</c> with optional <c>weight</c>; <c>any:</c> likewise) whose items
/// are terms, inline lists, or <c>@group</c> references to the file's <c>groups</c>.
/// </summary>
public static partial class LexiconLoader
{
    public static readonly IReadOnlyList<string> CategoryIds =
    [
        "unpaid_wages", "excessive_hours", "pregnancy", "violence_harassment", "documents_withheld", "forced_return",
        "runaway_risk", "injury_illness", "recruitment_debt", "dismissal_contract", "other",
    ];

    public static readonly IReadOnlyList<string> EmergencyKinds =
        ["violence_now", "locked_in", "serious_injury", "taken_to_airport", "suicide", "danger_now"];

    public static IReadOnlyDictionary<string, Lexicon> LoadDirectory(string directory)
    {
        var lexicons = new Dictionary<string, Lexicon>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml").Order(StringComparer.Ordinal))
        {
            var lexicon = Load(file);
            lexicons.Add(lexicon.Language, lexicon);
        }
        return lexicons;
    }

    public static Lexicon Load(string path)
    {
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path, System.Text.Encoding.UTF8);
            stream.Load(reader);
        }
        catch (YamlDotNet.Core.YamlException exception)
        {
            throw Invalid(path, $"not valid YAML at line {exception.Start.Line}, column {exception.Start.Column}: {exception.Message}");
        }
        var root = stream.Documents.Count > 0 ? stream.Documents[0].RootNode as YamlMappingNode : null;
        if (root is null) throw Invalid(path, "the top level must be a map");

        var language = Scalar(root, "language") ?? throw Invalid(path, "'language' is missing");
        var mode = (Scalar(root, "mode") ?? "words") switch
        {
            "words" => MatchMode.Words,
            "unspaced" => MatchMode.Unspaced,
            "japanese" => MatchMode.Japanese,
            var other => throw Invalid(path, $"mode '{other}' is not words, unspaced or japanese"),
        };
        var context = new Context(path, mode);
        if (root.Children.TryGetValue(new YamlScalarNode("groups"), out var groupsNode))
        {
            foreach (var (name, list) in Map(groupsNode, path, "groups")) context.Groups[name] = Terms(list, context, $"groups.{name}");
        }

        var lexicon = new Lexicon
        {
            Language = language,
            Mode = mode,
            Shared = Scalar(root, "shared") is "true" or "yes",
            Detect = Optional(root, "detect", context),
            Greetings = Optional(root, "greetings", context),
            Problem = Optional(root, "problem", context),
            Categories = Sections(root, "categories", CategoryIds, context),
            Emergency = Sections(root, "emergency", EmergencyKinds, context),
            Needles = context.Needles,
        };
        context.Needles.Build();
        return lexicon;
    }

    /// <summary>A term as the matcher compares it, for a language's mode.</summary>
    public static string Prepare(string term, MatchMode mode) => mode switch
    {
        MatchMode.Words => PrepareWords(term),
        MatchMode.Japanese => TextNormalizer.Japanese(term),
        _ => TextNormalizer.Unspaced(term),
    };

    /// <summary>Each word folded on its own, keeping <c>*</c> wildcards and <c>~N</c> gaps.</summary>
    private static string PrepareWords(string term) => string.Join(' ', term.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(word => Gap().IsMatch(word) ? word : string.Join('*', word.Split('*').Select(piece => TextNormalizer.FoldLatin(piece).Trim()))));

    /// <summary>
    /// The regular expression for a term that needs one: in words mode a <c>*</c> inside a word
    /// (<c>s*aktan</c>: sinaktan, sinasaktan) or a gap of up to N words (<c>không cho ~2 đi viện</c>);
    /// in unspaced and Japanese mode a gap of up to N characters (<c>ရိုက်~8နေ</c>). Null for a plain term.
    /// </summary>
    private static Regex? Pattern(string prepared, MatchMode mode, string path, string where)
    {
        if (mode != MatchMode.Words)
        {
            var pieces = Regex.Split(prepared, @"~(\d+)");
            if (pieces.Length == 1) return null;
            var pattern = new StringBuilder(Regex.Escape(pieces[0]));
            for (var i = 1; i < pieces.Length; i += 2)
            {
                var n = GapSize(pieces[i], 30, path, where);
                pattern.Append(CultureInfo.InvariantCulture, $"[^\\s။၊។៕.!?]{{0,{n}}}").Append(Regex.Escape(pieces[i + 1]));
            }
            return new Regex(pattern.ToString(), RegexOptions.CultureInvariant);
        }

        var words = prepared.Split(' ');
        // A * anywhere but the very start or the very end ("sinaktan* ako", "s*aktan") needs the pattern.
        var inner = prepared.TrimStart('*').TrimEnd('*').Contains('*', StringComparison.Ordinal);
        if (!inner && !words.Any(w => Gap().IsMatch(w))) return null;
        if (Gap().IsMatch(words[0]) || Gap().IsMatch(words[^1])) throw Invalid(path, $"{where}: '{prepared}' starts or ends with a gap");
        var regex = new StringBuilder("(?<= )");
        for (var i = 0; i < words.Length; i++)
        {
            var gap = Gap().Match(words[i]);
            if (gap.Success)
            {
                regex.Append(CultureInfo.InvariantCulture, $"(?: \\S+){{0,{GapSize(gap.Groups[1].Value, 5, path, where)}}}");
                continue;
            }
            if (i > 0) regex.Append(' ');
            regex.Append(string.Join("\\S*", words[i].Split('*').Select(Regex.Escape)));
        }
        regex.Append("(?= )");
        return new Regex(regex.ToString(), RegexOptions.CultureInvariant);
    }

    private static int GapSize(string digits, int max, string path, string where) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw Invalid(path, $"{where}: a gap ~{digits} must be between ~1 and ~{max}");

    [GeneratedRegex(@"^~(\d+)$")]
    private static partial Regex Gap();

    private static Dictionary<string, IReadOnlyList<TermRule>> Sections(YamlMappingNode root, string key, IReadOnlyList<string> allowed, Context context)
    {
        var result = new Dictionary<string, IReadOnlyList<TermRule>>(StringComparer.Ordinal);
        if (!root.Children.TryGetValue(new YamlScalarNode(key), out var node)) return result;
        foreach (var (name, entries) in Map(node, context.Path, key))
        {
            if (!allowed.Contains(name)) throw Invalid(context.Path, $"{key}.{name} is not one of: {string.Join(", ", allowed)}");
            if (entries is not YamlSequenceNode sequence) throw Invalid(context.Path, $"{key}.{name} must be a list");
            result[name] = [.. sequence.Children.Select((entry, i) => Rule(entry, context, $"{key}.{name}[{i}]"))];
        }
        return result;
    }

    private static TermRule Rule(YamlNode entry, Context context, string where)
    {
        switch (entry)
        {
            case YamlScalarNode scalar:
                return new TermRule(Terms(scalar, context, where), [], 1);
            case YamlMappingNode map when map.Children.Count == 1 && map.Children.Keys.Single() is not YamlScalarNode:
                throw Invalid(context.Path, $"{where}: a list cannot be a key; write a rule as \"any: [...]\" with \"weight: 3\"");
            case YamlMappingNode map when map.Children.Count == 1 && !IsRuleKey(map):
                var (key, value) = map.Children.Single();
                if (value is not YamlScalarNode) throw Invalid(context.Path, $"{where}: write a weighted term as \"term: 3\" (a list or map there is not a weight)");
                var weight = ParseWeight(((YamlScalarNode)value).Value, context, where);
                return new TermRule(Terms(key, context, where), [], weight);
            case YamlMappingNode map:
                var ruleWeight = map.Children.TryGetValue(new YamlScalarNode("weight"), out var w) ? ParseWeight(((YamlScalarNode)w).Value, context, where) : 1;
                IReadOnlyList<WeightedTerm> any = map.Children.TryGetValue(new YamlScalarNode("any"), out var anyNode) ? Terms(anyNode, context, where + ".any") : [];
                var all = new List<IReadOnlyList<WeightedTerm>>();
                if (map.Children.TryGetValue(new YamlScalarNode("all"), out var allNode))
                {
                    if (allNode is not YamlSequenceNode groups) throw Invalid(context.Path, $"{where}.all must be a list");
                    foreach (var group in groups.Children) all.Add(Terms(group, context, where + ".all"));
                }
                if (any.Count == 0 && all.Count == 0) throw Invalid(context.Path, $"{where} has neither 'any' nor 'all'");
                IReadOnlyList<WeightedTerm> none = map.Children.TryGetValue(new YamlScalarNode("none"), out var noneNode) ? Terms(noneNode, context, where + ".none") : [];
                return new TermRule(any, all, ruleWeight) { None = none };
            default:
                throw Invalid(context.Path, $"{where} is not a term or a rule");
        }
    }

    private static bool IsRuleKey(YamlMappingNode map) => map.Children.Keys.Any(k => k is YamlScalarNode { Value: "any" or "all" or "none" or "weight" });

    /// <summary>A list of terms, a single term, or an @group.</summary>
    private static IReadOnlyList<WeightedTerm> Terms(YamlNode node, Context context, string where) => node switch
    {
        YamlScalarNode { Value: ['@', .. var group] } => context.Groups.TryGetValue(group, out var terms) ? terms : throw Invalid(context.Path, $"{where} names @{group}, which 'groups' does not define"),
        YamlScalarNode scalar => [Term(scalar.Value!, 1, context, where)],
        YamlSequenceNode list => [.. list.Children.SelectMany(item => Terms(item, context, where))],
        YamlMappingNode { Children.Count: 1 } map => [Term(((YamlScalarNode)map.Children.Single().Key).Value!, ParseWeight(((YamlScalarNode)map.Children.Single().Value).Value, context, where), context, where)],
        _ => throw Invalid(context.Path, $"{where} must be a term, a list of terms or an @group"),
    };

    private static WeightedTerm Term(string text, double weight, Context context, string where)
    {
        var prepared = Prepare(text, context.Mode);
        if (prepared.Trim('*').Length == 0) throw Invalid(context.Path, $"{where}: '{text}' is empty once normalised");
        var pattern = Pattern(prepared, context.Mode, context.Path, where);
        if (pattern is not null)
        {
            // The literal pieces between gaps and wildcards ("khong cho", "di vien") must all be in
            // the text for the pattern to match: found in the one scan, they decide whether it runs.
            var pieces = Regex.Split(prepared, @"~\d+|\*").Select(piece => piece.Trim()).Where(piece => piece.Length >= 2).Distinct(StringComparer.Ordinal);
            return new WeightedTerm(prepared, weight) { Pattern = pattern, Needles = context.Needles, Required = [.. pieces.Select(context.Needles.Add)] };
        }
        var needle = PreparedText.Needle(prepared, context.Mode);
        return new WeightedTerm(prepared, weight) { Needle = needle, Needles = context.Needles, NeedleId = context.Needles.Add(needle) };
    }

    private static double ParseWeight(string? value, Context context, string where) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var weight) && weight is > 0 and <= 10
            ? weight
            : throw Invalid(context.Path, $"{where}: weight '{value}' must be a number above 0 and at most 10");

    private static IReadOnlyList<WeightedTerm> Optional(YamlMappingNode root, string key, Context context) =>
        root.Children.TryGetValue(new YamlScalarNode(key), out var node) ? Terms(node, context, key) : [];

    private static IEnumerable<(string Name, YamlNode Value)> Map(YamlNode node, string path, string where) =>
        node is YamlMappingNode map
            ? map.Children.Select(c => (((YamlScalarNode)c.Key).Value!, c.Value))
            : throw Invalid(path, $"'{where}' must be a map");

    private static string? Scalar(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? (node as YamlScalarNode)?.Value : null;

    private static InvalidDataException Invalid(string path, string problem) => new($"{path}: {problem}.");

    private sealed record Context(string Path, MatchMode Mode)
    {
        public Dictionary<string, IReadOnlyList<WeightedTerm>> Groups { get; } = new(StringComparer.Ordinal);

        public NeedleSet Needles { get; } = new();
    }
}
