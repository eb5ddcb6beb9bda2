using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Directory.Organizations;
using YamlDotNet.Serialization;

namespace MigrantHelpBot.Directory.Matching;

/// <summary>The words of the reasons (locales/routing/reasons.yaml): templates and the names they fill in.</summary>
public sealed class RoutingTexts
{
    private readonly File _file;

    private RoutingTexts(File file) => _file = file;

    public static RoutingTexts Load(string path)
    {
        File file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(YamlDotNet.Serialization.NamingConventions.LowerCaseNamingConvention.Instance).Build().Deserialize<File>(System.IO.File.ReadAllText(path));
        }
        catch (YamlDotNet.Core.YamlException problem)
        {
            throw new InvalidDataException($"{path}: {problem.Message}", problem);
        }
        var missing = new List<string>();
        foreach (var code in ReasonCodes) if (!file.Reasons.TryGetValue(code, out var text) || string.IsNullOrEmpty(text.Ja) || string.IsNullOrEmpty(text.En)) missing.Add("reasons." + code);
        foreach (var id in Vocabulary.Languages) if (!file.Languages.ContainsKey(id)) missing.Add("languages." + id);
        foreach (var id in Vocabulary.Categories) if (!file.Categories.ContainsKey(id)) missing.Add("categories." + id);
        foreach (var id in Vocabulary.Nationalities) if (!file.Countries.ContainsKey(id)) missing.Add("countries." + id);
        foreach (var id in Vocabulary.ResidenceStatuses) if (!file.Statuses.ContainsKey(id)) missing.Add("statuses." + id);
        if (missing.Count > 0) throw new InvalidDataException($"{path}: missing {string.Join(", ", missing)}");
        return new RoutingTexts(file);
    }

    /// <summary>Every reason code the matcher gives.</summary>
    public static readonly IReadOnlyList<string> ReasonCodes =
    [
        "language_native", "language_interpreter", "prefecture_local", "nationwide", "category", "specialty", "nationality",
        "residence_status", "room", "no_limit", "open_now", "open_24h", "emergency_capable", "receives_cases", "public_contact",
        "fallback", "fallback_emergency", "prefecture_unknown", "sample",
    ];

    public Reason Reason(string code, string? language = null, Prefecture? prefecture = null, string? category = null,
        string? country = null, string? status = null, int? load = null, int? capacity = null)
    {
        var template = _file.Reasons[code];
        string Fill(string text, Func<Pair, string> pick) => text
            .Replace("{language}", language is null ? "" : pick(_file.Languages[language]), StringComparison.Ordinal)
            .Replace("{prefecture}", prefecture is null ? "" : pick(new Pair { Ja = prefecture.Japanese, En = prefecture.English }), StringComparison.Ordinal)
            .Replace("{category}", category is null ? "" : pick(_file.Categories[category]), StringComparison.Ordinal)
            .Replace("{country}", country is null ? "" : pick(_file.Countries[country]), StringComparison.Ordinal)
            .Replace("{status}", status is null ? "" : pick(_file.Statuses[status]), StringComparison.Ordinal)
            .Replace("{load}", load?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal)
            .Replace("{capacity}", capacity?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", StringComparison.Ordinal);
        return new Reason(code, Fill(template.Ja, p => p.Ja), Fill(template.En, p => p.En));
    }

    private sealed class File
    {
        public Dictionary<string, Pair> Reasons { get; set; } = [];
        public Dictionary<string, Pair> Languages { get; set; } = [];
        public Dictionary<string, Pair> Countries { get; set; } = [];
        public Dictionary<string, Pair> Categories { get; set; } = [];
        public Dictionary<string, Pair> Statuses { get; set; } = [];
    }

    private sealed class Pair
    {
        public string Ja { get; set; } = "";
        public string En { get; set; } = "";
    }
}
