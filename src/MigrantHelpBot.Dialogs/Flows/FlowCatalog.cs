namespace MigrantHelpBot.Dialogs.Flows;

/// <summary>Every flow in dialogs/, by id, and what the engine asks of them.</summary>
public sealed class FlowCatalog
{
    public const string Main = "main";
    public const string Emergency = "emergency";
    public const string CommandPrefix = "command_";

    public FlowCatalog(IReadOnlyDictionary<string, Flow> flows)
    {
        Flows = flows;
        var labels = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var step in flows.Values.SelectMany(f => f.Steps.Values).Where(s => s.Kind == StepKind.Ask && s.Options.Count > 0))
        {
            if (!labels.TryGetValue(step.Store!, out var byValue)) labels[step.Store!] = byValue = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var option in step.Options) byValue.TryAdd(option.Value, option.Label);
        }
        OptionLabels = labels;
    }

    public IReadOnlyDictionary<string, Flow> Flows { get; }

    /// <summary>Slot → option value → label key: how to show a stored choice back to the worker (the summary).</summary>
    public IReadOnlyDictionary<string, Dictionary<string, string>> OptionLabels { get; }

    public Flow? Find(string id) => Flows.GetValueOrDefault(id);

    public static FlowCatalog Load(string directory) => new(FlowLoader.LoadDirectory(directory));
}
