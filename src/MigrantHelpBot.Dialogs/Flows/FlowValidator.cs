using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Dialogs.Flows;

/// <summary>
/// Checks that the flows hang together: every step reachable from its start, every path ends,
/// every jump and call lands, every text key exists in every locale, every action exists, every
/// condition reads a slot some question or action fills.
/// </summary>
public static class FlowValidator
{
    /// <summary>Slots the engine or its actions fill without a question.</summary>
    public static readonly IReadOnlyList<string> SystemSlots =
    [
        "language", "first_message", "emergency", "emergency_kind", "proposed_category", "triage_confidence",
        "case_submitted", "handoff_requested", "min_wage_yen", "min_wage_from", "min_wage_source", "min_wage_checked",
        "lowest_wage_yen", "prefecture_name", "below_minimum",
    ];

    public static IReadOnlyList<string> Validate(FlowCatalog catalog, LocaleCatalog locales, IReadOnlyCollection<string> actions, IReadOnlyCollection<string> commands)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(locales);
        var problems = new List<string>();
        var stored = catalog.Flows.Values.SelectMany(f => f.Steps.Values)
            .SelectMany(s => new[] { s.Store, s.FreeText, s.Kind == StepKind.Action && s.Args.TryGetValue("slot", out var slot) ? slot : null })
            .OfType<string>().Concat(SystemSlots).ToHashSet(StringComparer.Ordinal);

        foreach (var required in new[] { FlowCatalog.Main, FlowCatalog.Emergency }.Concat(commands.Select(c => FlowCatalog.CommandPrefix + c)))
        {
            if (catalog.Find(required) is null) problems.Add($"there is no '{required}' flow (the engine starts it).");
        }

        foreach (var flow in catalog.Flows.Values)
        {
            string At(Step step) => $"{Path.GetFileName(flow.Source)} ({flow.Id}) step '{step.Id}'";
            if (!flow.Steps.ContainsKey(flow.Start)) problems.Add($"{Path.GetFileName(flow.Source)} ({flow.Id}): start '{flow.Start}' is not a step.");
            foreach (var (from, to) in flow.Renamed)
            {
                if (!flow.Steps.ContainsKey(to)) problems.Add($"{Path.GetFileName(flow.Source)} ({flow.Id}): renamed '{from}' → '{to}', which is not a step.");
            }

            foreach (var step in flow.Steps.Values)
            {
                foreach (var target in Targets(step))
                {
                    if (!flow.Steps.ContainsKey(target)) problems.Add($"{At(step)} goes to '{target}', which is not a step.");
                }
                if (step.Kind is StepKind.Say or StepKind.Ask or StepKind.Action && step.Next is null)
                {
                    problems.Add($"{At(step)} has no 'next' (end the flow with an 'end' step).");
                }
                if (step.Kind is StepKind.Call or StepKind.Jump && (step.Flow is null || catalog.Find(step.Flow) is null))
                {
                    problems.Add($"{At(step)} names flow '{step.Flow}', which does not exist.");
                }
                if (step.Kind == StepKind.Call && step.Next is null) problems.Add($"{At(step)} calls a flow but has no 'next' to return to.");
                if (step.Kind == StepKind.Action && (step.Action is null || !actions.Contains(step.Action)))
                {
                    problems.Add($"{At(step)} runs action '{step.Action}', which does not exist (known: {string.Join(", ", actions.Order())}).");
                }
                if (step.Kind == StepKind.Ask && step.Prompt == PromptKind.Choice && step.Options.Count == 0) problems.Add($"{At(step)} is a choice without options.");
                if (step.Options.Count > 13) problems.Add($"{At(step)} has {step.Options.Count} options; LINE and Messenger show at most 13.");

                var keys = step.Say.Select(s => s.Key).Concat(step.Options.Select(o => o.Label));
                if (step.Text is not null) keys = keys.Append(step.Text);
                foreach (var key in keys)
                {
                    foreach (var language in locales.AllLanguages)
                    {
                        if (!locales.Has(language, key)) problems.Add($"{At(step)} uses text '{key}', which {language}.yaml does not have.");
                    }
                }
                foreach (var fact in step.Say.SelectMany(s => s.Facts))
                {
                    if (!locales.Facts.ContainsKey(fact)) problems.Add($"{At(step)} cites fact '{fact}', which no fact file defines.");
                }
                foreach (var slot in step.Branches.SelectMany(b => b.When.Slots()))
                {
                    if (!stored.Contains(slot)) problems.Add($"{At(step)} tests slot '{slot}', which no question or action fills.");
                }
            }

            // Reachability from the start, and every reachable path must be able to end.
            var reachable = new HashSet<string>(StringComparer.Ordinal);
            var queue = new Queue<string>();
            if (flow.Steps.ContainsKey(flow.Start)) queue.Enqueue(flow.Start);
            while (queue.Count > 0)
            {
                var id = queue.Dequeue();
                if (!reachable.Add(id)) continue;
                foreach (var target in Targets(flow.Steps[id]).Where(flow.Steps.ContainsKey)) queue.Enqueue(target);
            }
            foreach (var unreachable in flow.Steps.Keys.Where(id => !reachable.Contains(id)))
            {
                problems.Add($"{Path.GetFileName(flow.Source)} ({flow.Id}): step '{unreachable}' cannot be reached from '{flow.Start}'.");
            }
            foreach (var stuck in reachable.Where(id => !CanFinish(flow, id)))
            {
                problems.Add($"{Path.GetFileName(flow.Source)} ({flow.Id}): from step '{stuck}' the flow can never end (a loop with no way out).");
            }
        }
        return problems;
    }

    private static IEnumerable<string> Targets(Step step) => step.Kind switch
    {
        StepKind.If => step.Branches.Select(b => b.Next).Append(step.Else!),
        StepKind.Jump or StepKind.End => [],
        _ => step.Next is null ? [] : [step.Next],
    };

    /// <summary>True when some path from <paramref name="start"/> reaches an end (or a jump, which ends this flow).</summary>
    private static bool CanFinish(Flow flow, string start)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        stack.Push(start);
        while (stack.Count > 0)
        {
            var id = stack.Pop();
            if (!seen.Add(id) || !flow.Steps.TryGetValue(id, out var step)) continue;
            if (step.Kind is StepKind.End or StepKind.Jump) return true;
            foreach (var target in Targets(step)) stack.Push(target);
        }
        return false;
    }
}
