using System.Text.Json.Serialization;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>
/// A union, NPO, mutual-aid group, legal service or public hotline a case can go to (or a worker can
/// be told about). The same shape is read from deploy/directory/*.yaml and sent over the API.
/// </summary>
public sealed record Organization
{
    public required string Id { get; init; }
    public required LocalizedText Names { get; init; }
    public required string Kind { get; init; }
    public required OrganizationLanguages Languages { get; init; }

    /// <summary>Takes cases from all of Japan; otherwise only from <see cref="Prefectures"/>.</summary>
    public bool Nationwide { get; init; }

    /// <summary>Prefectures by their English name ("Tokyo"), as in locales/data/prefectures.yaml.</summary>
    public IReadOnlyList<string> Prefectures { get; init; } = [];

    /// <summary>Triage category ids it handles.</summary>
    public required IReadOnlyList<string> Categories { get; init; }

    /// <summary>What it is known for (a subset of <see cref="Categories"/>).</summary>
    public IReadOnlyList<string> Specialties { get; init; } = [];

    /// <summary>Residence statuses it takes; empty means all.</summary>
    public IReadOnlyList<string> ResidenceStatuses { get; init; } = [];

    /// <summary>Nationalities it focuses on (ISO 3166 alpha-2: VN, PH, KH, MM).</summary>
    public IReadOnlyList<string> NationalityFocus { get; init; } = [];

    public Intake Intake { get; init; } = new();

    /// <summary>What a worker may be given: public numbers and addresses only.</summary>
    public PublicContact? Contact { get; init; }

    /// <summary>Opening hours, Asia/Tokyo.</summary>
    public IReadOnlyList<OpeningHours> Hours { get; init; } = [];

    [JsonPropertyName("open24h")] public bool Open24h { get; init; }
    public bool EmergencyCapable { get; init; }
    /// <summary>Taking new cases unless the coalition pauses it. A setter, not init: the JSON source generator
    /// sets every init-only property it knows, so an omitted <c>acceptingCases</c> would read as false.</summary>
    public bool AcceptingCases { get; set; } = true;

    /// <summary>Open cases it can hold; null when it has no fixed limit (public services).</summary>
    public int? Capacity { get; init; }

    /// <summary>Open cases it holds now.</summary>
    public int Load { get; init; }

    public LocalizedText? Costs { get; init; }
    public required string Source { get; init; }
    public required DateOnly LastVerified { get; init; }

    /// <summary>Some fields are placeholders (no public contact, capacity not yet set by the coalition).</summary>
    public bool Sample { get; init; }

    public LocalizedText? Notes { get; init; }

    /// <summary>Can a case be handed to it (through our console or its webhook)?</summary>
    [JsonIgnore] public bool ReceivesCases => Intake.Console || !string.IsNullOrEmpty(Intake.WebhookUrl);

    [JsonIgnore] public bool HasRoom => AcceptingCases && (Capacity is null || Load < Capacity);
}

public sealed record LocalizedText
{
    public required string Ja { get; init; }
    public required string En { get; init; }
}

public sealed record OrganizationLanguages
{
    public IReadOnlyList<string> Native { get; init; } = [];
    public IReadOnlyList<string> Interpreter { get; init; } = [];
}

public sealed record Intake
{
    /// <summary>Cases reach it through the staff console.</summary>
    public bool Console { get; init; }

    /// <summary>Where offers are POSTed (signed), if it has its own system. Only admins and the bot see it.</summary>
    public string? WebhookUrl { get; init; }
}

public sealed record PublicContact
{
    public string? Phone { get; init; }
    public string? Line { get; init; }
    public string? Web { get; init; }
    public string? Email { get; init; }
    public LocalizedText? Hours { get; init; }
}

/// <summary>Open on <see cref="Days"/> from <see cref="Open"/> to <see cref="Close"/> (a close before the open runs past midnight).</summary>
public sealed record OpeningHours
{
    public required IReadOnlyList<string> Days { get; init; }
    public required string Open { get; init; }
    public required string Close { get; init; }
}
