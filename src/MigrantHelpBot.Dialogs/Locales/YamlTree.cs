using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Dialogs.Locales;

/// <summary>Reads a YAML file of nested maps into dotted keys (<c>welcome.choose</c> → text).</summary>
internal static class YamlTree
{
    public static Dictionary<string, string> Flatten(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8))
        {
            stream.Load(reader);
        }
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0) return result;
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path}: the top level must be a map of keys.");
        }
        Walk(root, prefix: null, result, path);
        return result;
    }

    private static void Walk(YamlMappingNode map, string? prefix, Dictionary<string, string> result, string path)
    {
        foreach (var (keyNode, valueNode) in map.Children)
        {
            var key = prefix is null ? ((YamlScalarNode)keyNode).Value! : $"{prefix}.{((YamlScalarNode)keyNode).Value}";
            switch (valueNode)
            {
                case YamlMappingNode child:
                    Walk(child, key, result, path);
                    break;
                case YamlScalarNode scalar:
                    if (!result.TryAdd(key, scalar.Value ?? string.Empty)) throw new InvalidDataException($"{path}: '{key}' appears twice.");
                    break;
                default:
                    throw new InvalidDataException($"{path}: '{key}' must be text or a map, not a list.");
            }
        }
    }
}
