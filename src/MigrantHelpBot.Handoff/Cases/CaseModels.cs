using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Dialogs.Engine;

namespace MigrantHelpBot.Handoff.Cases;

/// <summary>
/// Where a case is: <c>new</c> (nobody to offer it to yet; the coalition places it) → <c>offered</c>
/// (to the best match, waiting for acceptance within its SLA) → <c>accepted</c> (a staff member of
/// that organisation holds it) → <c>resolved</c>. <c>transferred</c> is an offer made by hand (staff
/// or the coalition re-routed it, with a reason); <c>closed_by_worker</c> when the worker ends it.
/// </summary>
public static class CaseStatus
{
    public const string New = "new";
    public const string Offered = "offered";
    public const string Transferred = "transferred";
    public const string Accepted = "accepted";
    public const string Resolved = "resolved";
    public const string ClosedByWorker = "closed_by_worker";

    public static readonly IReadOnlyList<string> All = [New, Offered, Transferred, Accepted, Resolved, ClosedByWorker];
    public static readonly IReadOnlyList<string> Open = [New, Offered, Transferred, Accepted];

    public static bool IsOpen(string status) => Open.Contains(status);

    /// <summary>Waiting for an organisation to accept.</summary>
    public static bool IsOffer(string status) => status is Offered or Transferred;
}

/// <summary>One case as stored.</summary>
public sealed record CaseRecord
{
    public required string Id { get; init; }
    public required string ConversationKey { get; init; }
    public required string Status { get; init; }
    public string? Category { get; init; }
    public required string Urgency { get; init; }
    public required string Language { get; init; }
    public string? Prefecture { get; init; }
    public string? OrganizationId { get; init; }
    public string? AssigneeId { get; init; }
    public string? AssigneeName { get; init; }
    public required CaseData Data { get; init; }
    public DateTimeOffset? OfferExpiresAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public required long Version { get; init; }
}

/// <summary>What a case knows beyond its indexed columns.</summary>
public sealed class CaseData
{
    /// <summary>Where the case came from: the summary the worker confirmed (<c>intake</c>) or a request for a person (<c>handoff</c>).</summary>
    [JsonPropertyName("source")] public string Source { get; set; } = "intake";

    /// <summary>The <see cref="Source"/> of a case whose personal data was purged (retention, or the worker's request).</summary>
    public const string PurgedSource = "purged";

    /// <summary>Why a person was asked for (worker_asked, emergency…), for a request without an intake.</summary>
    [JsonPropertyName("reason")] public string? Reason { get; set; }

    [JsonPropertyName("script")] public string? Script { get; set; }
    [JsonPropertyName("emergencyKind")] public string? EmergencyKind { get; set; }

    /// <summary>The worker's answers they agreed to share; empty when they did not agree.</summary>
    [JsonPropertyName("answers")] public Dictionary<string, string> Answers { get; set; } = [];

    /// <summary>What the worker agreed to share, and when (null: they asked for a person but did not agree to share their answers).</summary>
    [JsonPropertyName("consent")] public ConsentRecord? Consent { get; set; }

    /// <summary>How to reach the worker again (proactive messages).</summary>
    [JsonPropertyName("reference")] public ConversationReference? Reference { get; set; }

    /// <summary>The directory's matches, best first, that can receive cases.</summary>
    [JsonPropertyName("candidates")] public List<string> Candidates { get; set; } = [];

    /// <summary>Organisations it has been offered to, in order.</summary>
    [JsonPropertyName("offeredTo")] public List<string> OfferedTo { get; set; } = [];

    /// <summary>The directory answered from its fallback (nobody met every constraint).</summary>
    [JsonPropertyName("fallback")] public bool Fallback { get; set; }
}

/// <summary>One entry of a case's timeline: a message either way, a note, or a change of status.</summary>
public sealed record CaseEvent(long Id, string CaseId, DateTimeOffset At, string Kind, string Actor, string? Text, JsonElement? Data, string? Delivery, string? DeliveryError);

/// <summary>The kinds of <see cref="CaseEvent"/>.</summary>
public static class CaseEventKinds
{
    public const string Opened = "opened";
    public const string Updated = "updated";
    public const string Offered = "offered";
    public const string OfferExpired = "offer_expired";
    public const string Unplaced = "unplaced";
    public const string Accepted = "accepted";
    public const string Transferred = "transferred";
    public const string Resolved = "resolved";
    public const string ClosedByWorker = "closed_by_worker";

    /// <summary>What the worker wrote (original text).</summary>
    public const string WorkerMessage = "worker_message";

    /// <summary>What the bot said before the handoff (from the conversation's log), for context.</summary>
    public const string BotMessage = "bot_message";

    /// <summary>What staff wrote to the worker.</summary>
    public const string StaffMessage = "staff_message";

    /// <summary>
    /// The translation of a staff message that went to the worker untranslated (the translator was down),
    /// sent after it once the translator answered. Its text is the machine translation; <c>of</c> names the message.
    /// </summary>
    public const string StaffMessageTranslation = "staff_message_translation";

    /// <summary>A status message the worker is sent in their language (a locale key).</summary>
    public const string Notice = "notice";

    /// <summary>Staff only; never shown to the worker.</summary>
    public const string Note = "note";

    public const string HubStatus = "hub_status";
}

/// <summary>Who acts: a staff member, an organisation's API key, the coalition, the worker or the system.</summary>
public sealed record Actor(string Id, string Name, string Role, string? OrganizationId)
{
    public static readonly Actor System = new("system", "MigrantHelpBot", "system", null);
    public static readonly Actor Worker = new("worker", "worker", "worker", null);

    public bool IsAdmin => Role == "admin";
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CaseData))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class CaseJson : JsonSerializerContext;
