using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.State;

namespace MigrantHelpBot.Handoff.Relay;

/// <summary>
/// The conversation's side of its open case, kept in conversation state. It changes only in the
/// turn that tells the worker (so what the worker was told and what the bot does agree), or when
/// the worker ends the conversation with the person.
/// </summary>
public sealed class HandoffState
{
    public const string Waiting = "waiting";
    public const string Held = "held";

    public static readonly StateProperty<HandoffState> Property = new("handoff", HandoffStateJson.Default.HandoffState);

    [JsonPropertyName("caseId")] public string? CaseId { get; set; }

    /// <summary><see cref="Waiting"/> for a person, or <see cref="Held"/>: a person has the case and the bot stays silent.</summary>
    [JsonPropertyName("status")] public string? Status { get; set; }

    [JsonPropertyName("language")] public string? Language { get; set; }
}

[JsonSerializable(typeof(HandoffState))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class HandoffStateJson : JsonSerializerContext;
