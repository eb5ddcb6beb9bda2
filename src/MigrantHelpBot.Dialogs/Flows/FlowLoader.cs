using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MigrantHelpBot.Dialogs.Flows;

/// <summary>
/// Reads flow definitions from <c>dialogs/**/*.yaml</c>. A step has exactly one of <c>say</c>,
/// <c>ask</c>, <c>if</c>, <c>call</c>, <c>jump</c>, <c>action</c> or <c>end</c>; see dialogs/README.md.
/// Structural mistakes are reported with the file and step; whether the flows hang together is
/// <see cref="FlowValidator"/>'s job.
/// </summary>
public static class FlowLoader
{
    public static IReadOnlyDictionary<string, Flow> LoadDirectory(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"The dialogs folder {directory} does not exist.");
        var flows = new Dictionary<string, Flow>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(directory, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var flow = Load(file);
            if (!flows.TryAdd(flow.Id, flow)) throw new InvalidDataException($"{file}: flow '{flow.Id}' is also defined in {flows[flow.Id].Source}.");
        }
        return flows;
    }

    public static Flow Load(string path)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8)) stream.Load(reader);
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) throw Invalid(path, "the top level must be a map");

        var id = Scalar(root, "id") ?? throw Invalid(path, "'id' is missing");
        var version = int.TryParse(Scalar(root, "version"), NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw Invalid(path, "'version' must be a positive whole number");
        var lists = new Dictionary<string, IReadOnlyList<ChoiceOption>>(StringComparer.Ordinal);
        if (Child(root, "lists") is YamlMappingNode listsNode)
        {
            foreach (var (name, node) in listsNode.Children) lists[Name(name)] = Options(node, lists, path, $"lists.{Name(name)}");
        }

        var steps = new Dictionary<string, Step>(StringComparer.Ordinal);
        if (Child(root, "steps") is not YamlMappingNode stepsNode || stepsNode.Children.Count == 0) throw Invalid(path, "'steps' must be a map of steps");
        foreach (var (key, node) in stepsNode.Children)
        {
            var stepId = Name(key);
            if (node is not YamlMappingNode stepNode) throw Invalid(path, $"step '{stepId}' must be a map");
            steps[stepId] = Step(stepId, stepNode, lists, path);
        }

        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Child(root, "renamed") is YamlMappingNode renamedNode)
        {
            foreach (var (from, to) in renamedNode.Children) renamed[Name(from)] = ((YamlScalarNode)to).Value!;
        }

        return new Flow
        {
            Id = id,
            Version = version,
            Start = Scalar(root, "start") ?? steps.Keys.First(),
            Steps = steps,
            Renamed = renamed,
            Source = path,
        };
    }

    private static readonly string[] Kinds = ["say", "ask", "if", "call", "jump", "action", "end"];

    private static Step Step(string id, YamlMappingNode node, Dictionary<string, IReadOnlyList<ChoiceOption>> lists, string path)
    {
        var kinds = Kinds.Where(k => Child(node, k) is not null).ToList();
        if (kinds.Count != 1) throw Invalid(path, $"step '{id}' must have exactly one of {string.Join(", ", Kinds)} (it has {(kinds.Count == 0 ? "none" : string.Join(", ", kinds))})");
        var where = $"step '{id}'";
        var next = Scalar(node, "next");
        switch (kinds[0])
        {
            case "say":
                return new Step { Id = id, Kind = StepKind.Say, Next = next, Say = SayItems(Child(node, "say")!, path, where) };
            case "ask":
                var prompt = Scalar(node, "ask") switch
                {
                    "text" => PromptKind.Text,
                    "choice" => PromptKind.Choice,
                    "yesno" => PromptKind.YesNo,
                    "number" => PromptKind.Number,
                    "prefecture" => PromptKind.Prefecture,
                    "language" => PromptKind.Language,
                    var other => throw Invalid(path, $"{where}: 'ask: {other}' is not text, choice, yesno, number, prefecture or language"),
                };
                return new Step
                {
                    Id = id,
                    Kind = StepKind.Ask,
                    Next = next,
                    Prompt = prompt,
                    Text = Scalar(node, "text") ?? throw Invalid(path, $"{where}: a question needs 'text'"),
                    Store = Scalar(node, "store") ?? throw Invalid(path, $"{where}: a question needs 'store' (the slot for the answer)"),
                    Skippable = Scalar(node, "skippable") is "true" or "yes",
                    Options = Child(node, "options") is { } options ? Options(options, lists, path, where) : [],
                    FreeText = Scalar(node, "free_text"),
                    Min = Number(node, "min", path, where),
                    Max = Number(node, "max", path, where),
                };
            case "if":
                if (Child(node, "if") is not YamlSequenceNode branches) throw Invalid(path, $"{where}: 'if' must be a list of {{when, next}}");
                return new Step
                {
                    Id = id,
                    Kind = StepKind.If,
                    Branches = [.. branches.Children.Select((b, i) => b is YamlMappingNode branch
                        ? (Condition(Child(branch, "when") ?? throw Invalid(path, $"{where}: branch {i + 1} has no 'when'"), path, where),
                           Scalar(branch, "next") ?? throw Invalid(path, $"{where}: branch {i + 1} has no 'next'"))
                        : throw Invalid(path, $"{where}: branch {i + 1} must be a map"))],
                    Else = Scalar(node, "else") ?? throw Invalid(path, $"{where}: an 'if' needs 'else'"),
                };
            case "call":
                return new Step { Id = id, Kind = StepKind.Call, Flow = Scalar(node, "call"), Next = next };
            case "jump":
                return new Step { Id = id, Kind = StepKind.Jump, Flow = Scalar(node, "jump") };
            case "action":
                var args = new Dictionary<string, string>(StringComparer.Ordinal);
                if (Child(node, "args") is YamlMappingNode argsNode)
                {
                    foreach (var (k, v) in argsNode.Children) args[Name(k)] = ((YamlScalarNode)v).Value ?? string.Empty;
                }
                return new Step { Id = id, Kind = StepKind.Action, Action = Scalar(node, "action"), Args = args, Next = next };
            default:
                return new Step { Id = id, Kind = StepKind.End };
        }
    }

    private static List<SayItem> SayItems(YamlNode node, string path, string where) => node switch
    {
        YamlScalarNode scalar => [new SayItem(scalar.Value!, [])],
        YamlSequenceNode list => [.. list.Children.Select(item => item switch
        {
            YamlScalarNode s => new SayItem(s.Value!, []),
            YamlMappingNode m => new SayItem(
                Scalar(m, "key") ?? throw Invalid(path, $"{where}: a say item needs 'key'"),
                Child(m, "facts") is YamlSequenceNode facts ? [.. facts.Children.Select(f => ((YamlScalarNode)f).Value!)] : []),
            _ => throw Invalid(path, $"{where}: a say item is a text key or {{key, facts}}"),
        })],
        _ => throw Invalid(path, $"{where}: 'say' is a text key or a list of them"),
    };

    private static IReadOnlyList<ChoiceOption> Options(YamlNode node, Dictionary<string, IReadOnlyList<ChoiceOption>> lists, string path, string where)
    {
        if (node is YamlScalarNode { Value: ['@', .. var name] })
        {
            return lists.TryGetValue(name, out var list) ? list : throw Invalid(path, $"{where}: no list '@{name}' under 'lists'");
        }
        if (node is not YamlSequenceNode sequence) throw Invalid(path, $"{where}: 'options' must be a list or an @list");
        return [.. sequence.Children.Select(item => item is YamlMappingNode option
            ? new ChoiceOption(
                Scalar(option, "value") ?? throw Invalid(path, $"{where}: an option needs 'value'"),
                Scalar(option, "label") ?? throw Invalid(path, $"{where}: an option needs 'label'"))
            : throw Invalid(path, $"{where}: an option is {{value, label}}"))];
    }

    private static Condition Condition(YamlNode node, string path, string where)
    {
        if (node is not YamlMappingNode map) throw Invalid(path, $"{where}: a condition must be a map");
        if (Child(map, "all") is YamlSequenceNode all) return new AllCondition([.. all.Children.Select(c => Condition(c, path, where))]);
        if (Child(map, "any") is YamlSequenceNode any) return new AnyCondition([.. any.Children.Select(c => Condition(c, path, where))]);
        if (Child(map, "not") is { } not) return new NotCondition(Condition(not, path, where));
        var slot = Scalar(map, "slot") ?? throw Invalid(path, $"{where}: a condition needs 'slot' (or all/any/not)");
        if (Scalar(map, "equals") is { } value) return new EqualsCondition(slot, value);
        if (Child(map, "in") is YamlSequenceNode values) return new InCondition(slot, [.. values.Children.Select(x => ((YamlScalarNode)x).Value!)]);
        if (Scalar(map, "set") is { } set) return new SetCondition(slot, set is "true" or "yes");
        throw Invalid(path, $"{where}: a condition on '{slot}' needs equals, in or set");
    }

    private static int? Number(YamlMappingNode node, string key, string path, string where) =>
        Scalar(node, key) is not { } text ? null
        : int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
        : throw Invalid(path, $"{where}: '{key}' must be a whole number");

    private static YamlNode? Child(YamlMappingNode node, string key) => node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private static string? Scalar(YamlMappingNode node, string key) => (Child(node, key) as YamlScalarNode)?.Value;

    private static string Name(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static InvalidDataException Invalid(string path, string problem) => new($"{path}: {problem}.");
}
