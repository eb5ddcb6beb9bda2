using MigrantHelpBot.Testing;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Language.Tests;

/// <summary>One labelled message: what a worker might write, the category a union would file it under, and whether they are in danger now.</summary>
public sealed record LabelledMessage(string Text, string? Category, bool Emergency);

/// <summary>Reads <c>Corpus/{set}/{language}.yaml</c> and any <c>Corpus/{set}/{language}.*.yaml</c>.</summary>
public static class LabelledCorpus
{
    public static IReadOnlyList<LabelledMessage> Load(string set, string language)
    {
        // From the source tree, so a corpus edit needs no rebuild.
        var directory = Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Language.Tests", "Corpus", set);
        if (!Directory.Exists(directory)) return [];
        var files = Directory.EnumerateFiles(directory, language + ".yaml").Concat(Directory.EnumerateFiles(directory, language + ".*.yaml")).Order(StringComparer.Ordinal);
        return [.. files.SelectMany(LoadFile)];
    }

    private static IEnumerable<LabelledMessage> LoadFile(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path)) stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        var messages = (YamlSequenceNode)root.Children[new YamlScalarNode("messages")];
        return [.. messages.Children.Cast<YamlMappingNode>().Select(m => new LabelledMessage(
            ((YamlScalarNode)m.Children[new YamlScalarNode("text")]).Value!,
            m.Children.TryGetValue(new YamlScalarNode("category"), out var c) && c is YamlScalarNode { Value: { Length: > 0 } v } && v != "null" && v != "~" ? v : null,
            m.Children.TryGetValue(new YamlScalarNode("emergency"), out var e) && ((YamlScalarNode)e).Value is "true" or "yes"))];
    }
}
