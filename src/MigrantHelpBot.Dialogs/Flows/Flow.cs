namespace MigrantHelpBot.Dialogs.Flows;

/// <summary>A flow from <c>dialogs/*.yaml</c>: named steps, a start, and a version.</summary>
public sealed class Flow
{
    public required string Id { get; init; }

    /// <summary>Bumped when a change would confuse a conversation in the middle of the flow.</summary>
    public required int Version { get; init; }

    public required string Start { get; init; }

    public required IReadOnlyDictionary<string, Step> Steps { get; init; }

    /// <summary>Old step id → new step id, so a conversation paused at a renamed step resumes there.</summary>
    public IReadOnlyDictionary<string, string> Renamed { get; init; } = new Dictionary<string, string>();

    public required string Source { get; init; }
}

public enum StepKind { Say, Ask, If, Call, Jump, Action, End }

public enum PromptKind { Text, Choice, YesNo, Number, Prefecture, Language }

/// <summary>A text to send, with the facts whose source and check date follow it.</summary>
public sealed record SayItem(string Key, IReadOnlyList<string> Facts);

/// <summary>A choice: the value stored and the locale key of its button label.</summary>
public sealed record ChoiceOption(string Value, string Label);

/// <summary>One step. Which fields are set depends on <see cref="Kind"/>.</summary>
public sealed class Step
{
    public required string Id { get; init; }
    public required StepKind Kind { get; init; }

    /// <summary>The step that follows (null at the end of a flow, or for If/Jump).</summary>
    public string? Next { get; init; }

    // Say
    public IReadOnlyList<SayItem> Say { get; init; } = [];

    // Ask
    public PromptKind Prompt { get; init; }
    public string? Text { get; init; }
    public string? Store { get; init; }
    public bool Skippable { get; init; }
    public IReadOnlyList<ChoiceOption> Options { get; init; } = [];

    /// <summary>For a choice: input that matches no option is kept in this slot instead of asking again.</summary>
    public string? FreeText { get; init; }

    public int? Min { get; init; }
    public int? Max { get; init; }

    // If
    public IReadOnlyList<(Condition When, string Next)> Branches { get; init; } = [];
    public string? Else { get; init; }

    // Call / Jump
    public string? Flow { get; init; }

    // Action
    public string? Action { get; init; }
    public IReadOnlyDictionary<string, string> Args { get; init; } = new Dictionary<string, string>();
}

/// <summary>A condition on the conversation's slots.</summary>
public abstract record Condition
{
    public abstract bool Holds(IReadOnlyDictionary<string, string> slots);

    /// <summary>The slots it reads, for validation.</summary>
    public abstract IEnumerable<string> Slots();
}

public sealed record EqualsCondition(string Slot, string Value) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => slots.TryGetValue(Slot, out var v) && v == Value;
    public override IEnumerable<string> Slots() => [Slot];
}

public sealed record InCondition(string Slot, IReadOnlyList<string> Values) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => slots.TryGetValue(Slot, out var v) && Values.Contains(v);
    public override IEnumerable<string> Slots() => [Slot];
}

public sealed record SetCondition(string Slot, bool IsSet) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => slots.ContainsKey(Slot) == IsSet;
    public override IEnumerable<string> Slots() => [Slot];
}

public sealed record AllCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => Conditions.All(c => c.Holds(slots));
    public override IEnumerable<string> Slots() => Conditions.SelectMany(c => c.Slots());
}

public sealed record AnyCondition(IReadOnlyList<Condition> Conditions) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => Conditions.Any(c => c.Holds(slots));
    public override IEnumerable<string> Slots() => Conditions.SelectMany(c => c.Slots());
}

public sealed record NotCondition(Condition Inner) : Condition
{
    public override bool Holds(IReadOnlyDictionary<string, string> slots) => !Inner.Holds(slots);
    public override IEnumerable<string> Slots() => Inner.Slots();
}
