using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Handoff.Cases;

namespace MigrantHelpBot.Handoff.Api;

/// <summary>How staff see a case: labels in Japanese, the worker's own words as they wrote them.</summary>
public sealed class CaseViews(LocaleCatalog locales, FlowCatalog flows, Prefectures prefectures, TimeProvider clock)
{
    public const string StaffLanguage = "ja";

    /// <summary>The summary's fields in the order the worker saw them (dialogs/summary.yaml).</summary>
    private readonly IReadOnlyList<string> _fields = flows.Find("summary")?.Steps.Values.FirstOrDefault(s => s.Action == "summary")?.Args.GetValueOrDefault("fields")?
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    public CaseListItem Item(CaseRecord record, IReadOnlyDictionary<string, OrganizationInfo> organizations) => new(
        record.Id, record.Status, record.Urgency, record.Category,
        record.Category is { } category && locales.Has(StaffLanguage, $"category.{category}") ? locales.Text(StaffLanguage, $"category.{category}") : null,
        record.Language, record.Prefecture, prefectures.Lookup(record.Prefecture)?.Japanese,
        record.OrganizationId, record.OrganizationId is { } id && organizations.TryGetValue(id, out var organization) ? organization.NameJa : null,
        record.AssigneeName, record.CreatedAt, record.UpdatedAt, record.OfferExpiresAt,
        CaseStatus.IsOpen(record.Status) && record.Status != CaseStatus.Accepted ? (long)(clock.GetUtcNow() - record.CreatedAt).TotalSeconds : 0);

    public NoticeItem Notice(OrganizationNotice notice) => new(
        notice.Id, notice.Type, notice.Reason, notice.CaseId, notice.OrganizationId, notice.Category,
        notice.Category is { } category && locales.Has(StaffLanguage, $"category.{category}") ? locales.Text(StaffLanguage, $"category.{category}") : null,
        notice.Urgency, notice.Language, notice.Prefecture, prefectures.Lookup(notice.Prefecture)?.Japanese, notice.At, notice.ReadAt, notice.ReadBy);

    public IReadOnlyList<SummaryLine> Summary(CaseRecord record)
    {
        var answers = record.Data.Answers;
        var lines = new List<SummaryLine>();
        foreach (var field in _fields.Where(answers.ContainsKey))
        {
            var value = answers[field];
            var label = locales.Has(StaffLanguage, $"summary.field.{field}") ? locales.Text(StaffLanguage, $"summary.field.{field}") : field;
            var (shown, workerText) = Show(field, value);
            lines.Add(new SummaryLine(field, label, shown, workerText));
        }
        return lines;
    }

    public IReadOnlyList<CannedReply> Canned(CaseRecord record) =>
        [.. CannedReplies.Ids.Select(id => new CannedReply(id, locales.Text(StaffLanguage, CannedReplies.Key(id)), locales.Text(record.Language, CannedReplies.Key(id))))];

    /// <summary>A stored answer in Japanese where it is a choice; the worker's own text as written otherwise.</summary>
    private (string Value, bool WorkerText) Show(string field, string value)
    {
        if (field is "category" or "proposed_category" && locales.Has(StaffLanguage, $"category.{value}")) return (locales.Text(StaffLanguage, $"category.{value}"), false);
        if (field == "prefecture" && prefectures.Lookup(value) is { } prefecture) return (prefecture.Japanese, false);
        if (flows.OptionLabels.TryGetValue(field, out var labels) && labels.TryGetValue(value, out var label)) return (locales.Text(StaffLanguage, label), false);
        if (value is "yes" or "no") return (locales.Text(StaffLanguage, $"common.{value}"), false);
        return (value, !value.All(c => char.IsAsciiDigit(c) || c is ',' or '.'));
    }
}
