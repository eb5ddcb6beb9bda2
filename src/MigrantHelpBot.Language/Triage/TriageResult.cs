using System.Text.Json.Serialization;

namespace MigrantHelpBot.Language.Triage;

/// <summary>What the classifier read in a message. <see cref="Signals"/> names every term and rule that fired.</summary>
public sealed record TriageResult(
    [property: JsonPropertyName("language")] string? Language,
    [property: JsonPropertyName("normalizedText")] string NormalizedText,
    [property: JsonPropertyName("category")] string? Category,
    [property: JsonPropertyName("emergency")] bool Emergency,
    [property: JsonPropertyName("emergencyKind")] string? EmergencyKind,
    [property: JsonPropertyName("confidence")] double Confidence,
    [property: JsonPropertyName("signals")] IReadOnlyList<string> Signals);

[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(TriageResult))]
public sealed partial class TriageJsonContext : JsonSerializerContext;
