using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Translations;

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

    /// <summary>
    /// How staff see a text's translation (null: the text is not one that is translated). <paramref name="reader"/>
    /// is the language the text is read in: Japanese for the worker's words, the worker's language for a reply.
    /// </summary>
    public static TranslationView? Translation(IReadOnlyList<CaseTranslation> rows, string reader, bool translated = true)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!translated) return null;
        if (rows.Count == 0) return new TranslationView("none", null, null, false, null);
        var done = rows.Where(r => r.Status == TranslationStatus.Done).ToList();
        var from = rows.Select(r => r.Detected).FirstOrDefault(d => d is not null);
        var late = rows.Any(r => r.Late);
        if (done.Count > 0)
        {
            if (from == reader) return new TranslationView("same", from, null, late, null);
            return new TranslationView("done", from, done.Where(r => r.Text is not null).ToDictionary(r => r.Target, r => r.Text!, StringComparer.Ordinal), late, null);
        }
        var error = rows.Select(r => r.Error).FirstOrDefault(e => e is not null);
        return new TranslationView(rows.Any(r => r.Status == TranslationStatus.Pending) ? "pending" : "failed", from, null, late, error);
    }

    /// <summary>A timeline entry as staff see it, with its translation where it has one.</summary>
    public static TimelineEntry Entry(CaseEvent e, CaseRecord record, ILookup<string, CaseTranslation> translations)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(translations);
        var rows = translations[CaseTranslations.EventSource(e.Id)].ToList();
        var canned = e.Data is { ValueKind: System.Text.Json.JsonValueKind.Object } data && data.TryGetProperty("canned", out _);
        var attachment = e.Data is { ValueKind: System.Text.Json.JsonValueKind.Object } d2 && d2.TryGetProperty("attachment", out _);
        var view = e.Kind switch
        {
            CaseEventKinds.WorkerMessage => Translation(rows, StaffLanguage, translated: !attachment),
            CaseEventKinds.StaffMessage => Translation(rows, record.Language, translated: !canned),
            _ => null,
        };
        return new TimelineEntry(e.Id, e.At, e.Kind, e.Actor, e.Text, e.Data, e.Delivery, e.DeliveryError, view);
    }

    public IReadOnlyList<SummaryLine> Summary(CaseRecord record, ILookup<string, CaseTranslation>? translations = null)
    {
        var answers = record.Data.Answers;
        var lines = new List<SummaryLine>();
        foreach (var field in _fields.Where(answers.ContainsKey))
        {
            var value = answers[field];
            var label = locales.Has(StaffLanguage, $"summary.field.{field}") ? locales.Text(StaffLanguage, $"summary.field.{field}") : field;
            var (shown, workerText) = Show(field, value);
            var translation = workerText && translations is not null ? Translation([.. translations[CaseTranslations.AnswerSource(field, value)]], StaffLanguage) : null;
            lines.Add(new SummaryLine(field, label, shown, workerText, translation));
        }
        return lines;
    }

    /// <summary>The answers written in the worker's own words (what staff read machine-translated), in summary order.</summary>
    public IEnumerable<(string Field, string Value)> WorkerTexts(CaseData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _fields.Where(data.Answers.ContainsKey).Select(f => (f, data.Answers[f])).Where(a => Show(a.f, a.Item2).WorkerText);
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
