using System.Text.Json;
using System.Text.Json.Serialization;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Handoff.Api;

public sealed record TokenRequest(
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("password")] string? Password);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] long ExpiresIn);

public sealed record MeResponse(string Id, string Name, string Role, string? OrganizationId, string? OrganizationName);

public sealed record MessageRequest(string? Text, string? Canned);

public sealed record NoteRequest(string? Text);

public sealed record TransferRequest(string? OrganizationId, string? Reason);

public sealed record CaseListItem(
    string Id, string Status, string Urgency, string? Category, string? CategoryJa, string Language, string? Prefecture, string? PrefectureJa,
    string? OrganizationId, string? OrganizationName, string? AssigneeName, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? OfferExpiresAt, long WaitingSeconds);

public sealed record SummaryLine(string Field, string Label, string Value, bool WorkerText, TranslationView? Translation = null);

/// <summary>
/// A text's machine translation beside the original: <c>done</c> (in <see cref="Texts"/>, by language), <c>same</c>
/// (already written in the language read), <c>pending</c> (asked for; the translator is slow or failing),
/// <c>failed</c> (the translator refused this text) or <c>none</c> (no translator configured).
/// <see cref="SentUntranslated"/>: a staff reply the worker first received as written.
/// </summary>
public sealed record TranslationView(string Status, string? From, IReadOnlyDictionary<string, string>? Texts, bool SentUntranslated, string? Error)
{
    public bool Machine => Texts is { Count: > 0 };
}

public sealed record ConsentView(bool Shared, DateTimeOffset? At, string? Notice);

public sealed record TimelineEntry(long Id, DateTimeOffset At, string Kind, string Actor, string? Text, JsonElement? Data, string? Delivery, string? DeliveryError, TranslationView? Translation = null);

public sealed record CannedReply(string Id, string Ja, string Worker);

public sealed record CaseDetail(
    CaseListItem Case, string Source, string? Reason, string? EmergencyKind, ConsentView Consent, IReadOnlyList<SummaryLine> Summary,
    IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<CannedReply> Canned, IReadOnlyList<string> OfferedTo);

/// <summary>What a staff action answers: the case and its status after it.</summary>
public sealed record ActionResponse(string Id, string Status);

/// <summary>A notice to an organisation: a case offered to it, withdrawn from it (and why) or closed; no personal data.</summary>
public sealed record NoticeItem(
    long Id, string Type, string? Reason, string CaseId, string OrganizationId, string? Category, string? CategoryJa, string Urgency, string Language,
    string? Prefecture, string? PrefectureJa, DateTimeOffset At, DateTimeOffset? ReadAt, string? ReadBy);

public sealed record NoticesReadRequest(long? UpTo);

public sealed record NoticesReadResponse(int Marked);

public sealed record OrganizationItem(string Id, string NameJa, string NameEn, bool ReceivesCases);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(MeResponse))]
[JsonSerializable(typeof(MessageRequest))]
[JsonSerializable(typeof(NoteRequest))]
[JsonSerializable(typeof(TransferRequest))]
[JsonSerializable(typeof(List<CaseListItem>))]
[JsonSerializable(typeof(CaseDetail))]
[JsonSerializable(typeof(List<TimelineEntry>))]
[JsonSerializable(typeof(List<SummaryLine>))]
[JsonSerializable(typeof(List<OrganizationItem>))]
[JsonSerializable(typeof(List<AuditRecord>))]
[JsonSerializable(typeof(List<CannedReply>))]
[JsonSerializable(typeof(ActionResponse))]
[JsonSerializable(typeof(List<NoticeItem>))]
[JsonSerializable(typeof(NoticesReadRequest))]
[JsonSerializable(typeof(NoticesReadResponse))]
internal sealed partial class StaffApiJson : JsonSerializerContext;
