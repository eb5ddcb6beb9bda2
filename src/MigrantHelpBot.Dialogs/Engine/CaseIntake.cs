using System.Text.Json.Serialization;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>
/// What a worker agreed to share with a support organisation: the structured intake a union needs
/// (domain-brief §4.2), the consent record, and where to reach the worker. Committed as the
/// <c>case.intake</c> event; routing and handoff pick it up.
/// </summary>
public sealed class CaseIntake
{
    public const string EventKind = "case.intake";

    /// <summary>The worker deleted their data ("delete my data"): recorded in the same commit as the erasure.</summary>
    public const string ErasedKind = "conversation.erased";

    [JsonPropertyName("conversation")] public required string Conversation { get; init; }
    [JsonPropertyName("channelId")] public required string ChannelId { get; init; }
    [JsonPropertyName("userId")] public string? UserId { get; init; }

    /// <summary>The worker's language and, for Burmese, the script their phone shows.</summary>
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("script")] public string? Script { get; init; }

    [JsonPropertyName("category")] public string? Category { get; init; }
    [JsonPropertyName("emergency")] public bool Emergency { get; init; }
    [JsonPropertyName("emergencyKind")] public string? EmergencyKind { get; init; }

    /// <summary>P0 (danger now), P1 (urgent: days), P2 (ongoing) — see domain-brief §2.</summary>
    [JsonPropertyName("urgency")] public required string Urgency { get; init; }

    [JsonPropertyName("prefecture")] public string? Prefecture { get; init; }

    /// <summary>Every answer, by slot name, as stored (choices as option values, numbers as digits).</summary>
    [JsonPropertyName("answers")] public required IReadOnlyDictionary<string, string> Answers { get; init; }

    [JsonPropertyName("consent")] public required ConsentRecord Consent { get; init; }

    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>What the worker agreed to, and when.</summary>
public sealed class ConsentRecord
{
    /// <summary>Agreed to share the summary and this conversation with a matched union or NPO.</summary>
    [JsonPropertyName("shareWithOrganisation")] public required bool ShareWithOrganisation { get; init; }

    [JsonPropertyName("at")] public required DateTimeOffset At { get; init; }

    /// <summary>The text the worker was shown before agreeing (its locale key), so what they agreed to is on record.</summary>
    [JsonPropertyName("notice")] public required string Notice { get; init; }
}

/// <summary>A request for a person: from the emergency path, or "talk to a person".</summary>
public sealed class HandoffRequest
{
    public const string EventKind = "case.handoff";

    [JsonPropertyName("conversation")] public required string Conversation { get; init; }
    [JsonPropertyName("urgency")] public required string Urgency { get; init; }
    [JsonPropertyName("reason")] public required string Reason { get; init; }
    [JsonPropertyName("language")] public required string Language { get; init; }
    [JsonPropertyName("emergencyKind")] public string? EmergencyKind { get; init; }
    [JsonPropertyName("consentToShare")] public required bool ConsentToShare { get; init; }
    [JsonPropertyName("answers")] public required IReadOnlyDictionary<string, string> Answers { get; init; }
    [JsonPropertyName("createdAt")] public required DateTimeOffset CreatedAt { get; init; }
}

[JsonSerializable(typeof(CaseIntake))]
[JsonSerializable(typeof(HandoffRequest))]
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
internal sealed partial class IntakeJsonContext : JsonSerializerContext;
