using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.State;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>Where a conversation is: a stack of flows (the top one running) and the answers so far.</summary>
public sealed class DialogState
{
    public static readonly StateProperty<DialogState> Property = new("dialog", DialogJsonContext.Default.DialogState);

    [JsonPropertyName("stack")] public List<Frame> Stack { get; set; } = [];

    /// <summary>Answers and facts about this conversation's case, by slot name. Values are text: numbers in invariant digits, choices as option values.</summary>
    [JsonPropertyName("slots")] public Dictionary<string, string> Slots { get; set; } = new(StringComparer.Ordinal);
}

/// <summary>One running flow: which, at which version, at which step, and whether it waits for an answer.</summary>
public sealed class Frame
{
    [JsonPropertyName("flow")] public string Flow { get; set; } = string.Empty;
    [JsonPropertyName("version")] public int Version { get; set; }

    /// <summary>The current step; empty when the flow is done once the flow it called returns.</summary>
    [JsonPropertyName("step")] public string Step { get; set; } = string.Empty;

    /// <summary>The step's question was sent and the next message answers it.</summary>
    [JsonPropertyName("waiting")] public bool Waiting { get; set; }

    /// <summary>Answers to the current question that could not be understood.</summary>
    [JsonPropertyName("attempts")] public int Attempts { get; set; }
}

/// <summary>Which script a Burmese reader's phone shows.</summary>
public enum BurmeseScript { Unicode, Zawgyi }

/// <summary>What we keep about a worker across conversations: their language, and for Burmese their script.</summary>
public sealed class WorkerProfile
{
    public static readonly StateProperty<WorkerProfile> Property = new("profile", DialogJsonContext.Default.WorkerProfile);

    [JsonPropertyName("language")] public string? Language { get; set; }

    /// <summary>True once the worker picked the language themselves (not only detected).</summary>
    [JsonPropertyName("chosen")] public bool LanguageChosen { get; set; }

    /// <summary>Set when the worker typed Zawgyi (replies follow), or picked a script.</summary>
    [JsonPropertyName("script")] public BurmeseScript? Script { get; set; }

    /// <summary>True when the worker picked the script themselves; detection then no longer changes it.</summary>
    [JsonPropertyName("scriptChosen")] public bool ScriptChosen { get; set; }
}

[JsonSerializable(typeof(DialogState))]
[JsonSerializable(typeof(WorkerProfile))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
internal sealed partial class DialogJsonContext : JsonSerializerContext;
