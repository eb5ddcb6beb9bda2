using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MigrantHelpBot.Dialogs.Data;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>
/// Reads a directory file (deploy/directory/*.yaml, or a coalition's own): a list of organisations
/// under <c>organizations:</c>, in the API's shape. Every problem is reported with the file, the
/// entry and the field; nothing is returned unless the whole file is valid.
/// </summary>
public static class DirectoryFile
{
    public static IReadOnlyList<Organization> Load(string path, Prefectures prefectures)
    {
        using var reader = new StreamReader(path);
        return Parse(reader, Path.GetFileName(path), prefectures);
    }

    public static IReadOnlyList<Organization> Parse(TextReader reader, string name, Prefectures prefectures)
    {
        var problems = new List<string>();
        var result = new List<Organization>();
        JsonNode? root;
        try
        {
            var stream = new YamlStream();
            stream.Load(reader);
            root = stream.Documents.Count == 0 ? null : ToJson(stream.Documents[0].RootNode);
        }
        catch (YamlException problem)
        {
            throw new InvalidDataException($"{name}: line {problem.Start.Line}: {problem.Message}", problem);
        }
        if (root?["organizations"] is not JsonArray entries) throw new InvalidDataException($"{name}: expected a list under 'organizations:'.");

        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Count; i++)
        {
            var label = $"{name}: organizations[{i}]" + (entries[i]?["id"] is JsonValue id ? $" ({id})" : "");
            Organization? organization;
            try
            {
                organization = entries[i].Deserialize(DirectoryJson.Default.Organization);
            }
            catch (JsonException problem)
            {
                problems.Add($"{label}: {problem.Message}");
                continue;
            }
            var (canonical, errors) = OrganizationRules.Check(organization, prefectures);
            foreach (var (field, messages) in errors) problems.AddRange(messages.Select(m => $"{label}: {field}: {m}"));
            if (canonical is null) continue;
            if (!ids.Add(canonical.Id)) problems.Add($"{label}: id '{canonical.Id}' appears twice.");
            else result.Add(canonical);
        }
        if (problems.Count > 0) throw new InvalidDataException(string.Join(Environment.NewLine, problems));
        return result;
    }

    /// <summary>YAML to JSON: plain scalars that read as booleans, numbers or null become those; quoted ones stay text.</summary>
    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", ToJson(p.Value)))),
        YamlSequenceNode list => new JsonArray([.. list.Children.Select(ToJson)]),
        YamlScalarNode { Style: ScalarStyle.Plain } scalar => Plain(scalar.Value),
        YamlScalarNode scalar => JsonValue.Create(scalar.Value),
        _ => null,
    };

    private static JsonValue? Plain(string? value) => value switch
    {
        null or "" or "~" or "null" => null,
        "true" => JsonValue.Create(true),
        "false" => JsonValue.Create(false),
        // "0120-…" and "09" stay text (phone numbers, JIS codes); plain digits are numbers.
        _ when (value == "0" || value[0] != '0') && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
        _ => JsonValue.Create(value),
    };
}
