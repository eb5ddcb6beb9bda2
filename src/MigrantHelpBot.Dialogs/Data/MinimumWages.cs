using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Dialogs.Data;

/// <summary>A minimum wage in force from a date.</summary>
public sealed record MinimumWage(string Prefecture, int Yen, DateOnly From);

/// <summary>Regional minimum wages from <c>locales/data/minimum-wage.yaml</c>, with the file's source and check date.</summary>
public sealed class MinimumWages
{
    private readonly Dictionary<string, List<MinimumWage>> _rates;

    private MinimumWages(Dictionary<string, List<MinimumWage>> rates, string source, DateOnly lastVerified)
    {
        _rates = rates;
        Source = source;
        LastVerified = lastVerified;
    }

    public string Source { get; }

    public DateOnly LastVerified { get; }

    /// <summary>The lowest rate in force anywhere on <paramref name="on"/>: true in every prefecture.</summary>
    public MinimumWage? Lowest(DateOnly on) => _rates.Keys.Select(p => InForce(p, on)).OfType<MinimumWage>().MinBy(w => w.Yen);

    /// <summary>The rate in force in <paramref name="prefecture"/> on <paramref name="on"/>, or null.</summary>
    public MinimumWage? InForce(string prefecture, DateOnly on) =>
        _rates.TryGetValue(prefecture, out var rates) ? rates.Where(r => r.From <= on).MaxBy(r => r.From) : null;

    public static MinimumWages Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        string Field(string name) => root.Children.TryGetValue(new YamlScalarNode(name), out var n) ? ((YamlScalarNode)n).Value ?? string.Empty : string.Empty;
        var source = Field("source");
        if (source.Length == 0 || !DateOnly.TryParseExact(Field("last_verified"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var verified))
        {
            throw new InvalidDataException($"{path}: needs a source and last_verified (yyyy-MM-dd).");
        }
        var rates = new Dictionary<string, List<MinimumWage>>(StringComparer.Ordinal);
        foreach (var (key, value) in ((YamlMappingNode)root.Children[new YamlScalarNode("rates")]).Children)
        {
            var prefecture = ((YamlScalarNode)key).Value!;
            rates[prefecture] = [.. ((YamlSequenceNode)value).Children.Cast<YamlMappingNode>().Select(r => new MinimumWage(
                prefecture,
                int.Parse(((YamlScalarNode)r.Children[new YamlScalarNode("yen")]).Value!, CultureInfo.InvariantCulture),
                DateOnly.ParseExact(((YamlScalarNode)r.Children[new YamlScalarNode("from")]).Value!, "yyyy-MM-dd", CultureInfo.InvariantCulture)))];
        }
        return new MinimumWages(rates, source, verified);
    }
}
