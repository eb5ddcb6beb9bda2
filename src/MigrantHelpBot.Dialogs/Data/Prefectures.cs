using System.Globalization;
using MigrantHelpBot.Language.Text;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Dialogs.Data;

/// <summary>A prefecture: its id, its English and Japanese names for display, and its JIS X 0401 code (01–47, the file's order).</summary>
public sealed record Prefecture(string Id, string English, string Japanese, string Code)
{
    /// <summary>How every worker sees it, whatever their language: "Aichi (愛知県)".</summary>
    public string Display => $"{English} ({Japanese})";
}

/// <summary>Reads a prefecture from how a worker writes it: romaji with or without "-ken", kanji, kana, a big city, other scripts.</summary>
public sealed class Prefectures
{
    private static readonly string[] LatinSuffixes = [" prefecture", " pref", " ken", " to", " fu", " tinh", " city", " shi"];
    private readonly Dictionary<string, Prefecture> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Prefecture> _byIdOrCode = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string Romaji, Prefecture Prefecture)> _romaji = [];

    private Prefectures(IReadOnlyList<Prefecture> all) => All = all;

    public IReadOnlyList<Prefecture> All { get; }

    public Prefecture? Find(string id) => All.FirstOrDefault(p => p.Id == id);

    /// <summary>The prefecture an API names: its id or English name in any case ("Tokyo"), or its JIS code ("13", "01", "1"). No guessing.</summary>
    public Prefecture? Lookup(string? value) => value is not null && _byIdOrCode.TryGetValue(value.Trim(), out var prefecture) ? prefecture : null;

    public static Prefectures Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var list = new List<Prefecture>();
        var prefectures = new Prefectures(list);
        foreach (var (key, value) in ((YamlMappingNode)root.Children[new YamlScalarNode("prefectures")]).Children)
        {
            var map = (YamlMappingNode)value;
            string Field(string name) => map.Children.TryGetValue(new YamlScalarNode(name), out var n) ? ((YamlScalarNode)n).Value ?? string.Empty : string.Empty;
            var prefecture = new Prefecture(((YamlScalarNode)key).Value!, Field("en"), Field("ja"), Invariant(list.Count + 1).PadLeft(2, '0'));
            list.Add(prefecture);
            foreach (var exact in new[] { prefecture.Id, prefecture.English, prefecture.Code, prefecture.Code.TrimStart('0') }) prefectures._byIdOrCode.TryAdd(exact, prefecture);
            var names = new List<string> { prefecture.Id, prefecture.English, prefecture.Japanese, Field("kana") };
            if (map.Children.TryGetValue(new YamlScalarNode("aliases"), out var aliases))
            {
                names.AddRange(((YamlSequenceNode)aliases).Children.Select(a => ((YamlScalarNode)a).Value!));
            }
            foreach (var name in names.Where(n => n.Length > 0))
            {
                prefectures._byName[Key(name)] = prefecture;
                if (name.All(c => c < 0x250)) prefectures._romaji.Add((Key(name), prefecture));
            }
        }
        if (list.Count != 47) throw new InvalidDataException($"{path}: expected 47 prefectures, found {list.Count}.");
        return prefectures;
    }

    /// <summary>The prefecture the text names, or null.</summary>
    public Prefecture? Match(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = Key(text);
        if (key.Length == 0) return null;
        if (_byName.TryGetValue(key, out var exact)) return exact;
        // A small typo in a romaji name ("Hirosima", "Aich").
        if (key.Length >= 4 && key.All(c => c < 0x250))
        {
            var close = _romaji.Where(r => r.Romaji.Length >= 4 && Distance(r.Romaji, key) <= (key.Length >= 7 ? 2 : 1)).Select(r => r.Prefecture).Distinct().ToList();
            if (close.Count == 1) return close[0];
        }
        return null;
    }

    /// <summary>Folded, without the prefecture suffixes people add (県, 都, 府, 道, -ken, tỉnh …) and without spaces.</summary>
    private static string Key(string name)
    {
        var text = name.Trim().Normalize(System.Text.NormalizationForm.FormKC);
        if (text.Length > 1 && text[^1] is '県' or '都' or '府' && !text.EndsWith("京都", StringComparison.Ordinal)) text = text[..^1];
        else if (text.EndsWith("京都府", StringComparison.Ordinal)) text = text[..^1];
        var folded = TextNormalizer.FoldLatin(text);
        if (folded.Trim().Length > 0 && text.Any(c => c is >= 'A' and <= 'z' || c > 0x7F && c < 0x250 || char.IsAsciiLetter(c)))
        {
            foreach (var suffix in LatinSuffixes)
            {
                if (folded.EndsWith(suffix + " ", StringComparison.Ordinal) && folded.Length > suffix.Length + 3) folded = folded[..^(suffix.Length + 1)] + " ";
            }
            if (folded.StartsWith(" tinh ", StringComparison.Ordinal)) folded = folded[5..];
            return folded.Replace(" ", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        }
        return TextNormalizer.Unspaced(text);
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++) previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    internal static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
