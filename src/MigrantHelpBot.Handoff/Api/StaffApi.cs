using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Channels.Http;
using MigrantHelpBot.Directory.Organizations;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Staff;
using MigrantHelpBot.Handoff.Translations;

namespace MigrantHelpBot.Handoff.Api;

/// <summary>
/// The staff API (and the console's only back end): sign-in, the case queue and case, and the
/// actions on it. <c>staff</c> see their organisation's offered and held cases only — anything else
/// is 404, as if it did not exist; <c>admin</c> (the coalition) sees every case and the audit.
/// </summary>
public static class StaffApi
{
    public const string StaffPolicy = "staff";
    public const string AdminPolicy = "staff-admin";
    public const int MaxTextLength = 4000;

    public static IEndpointRouteBuilder MapStaffApi(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/api/staff/token", TokenAsync).AllowAnonymous();
        var staff = app.MapGroup("/api").RequireAuthorization(StaffPolicy);
        staff.MapGet("/staff/me", MeAsync);
        staff.MapPost("/staff/signout", SignOutAsync);
        staff.MapGet("/staff/organizations", OrganizationsAsync);
        staff.MapGet("/cases", ListAsync);
        staff.MapGet("/cases/{id}", GetAsync);
        staff.MapGet("/cases/{id}/timeline", TimelineAsync);
        staff.MapPost("/cases/{id}/accept", (string id, ClaimsPrincipal user, CaseService cases, CancellationToken ct) =>
            Answer(cases.AcceptAsync(StaffTokenAuthentication.ActorOf(user), id, ct)));
        staff.MapPost("/cases/{id}/messages", MessageAsync);
        staff.MapPost("/cases/{id}/notes", NoteAsync);
        staff.MapPost("/cases/{id}/transfer", TransferAsync);
        staff.MapPost("/cases/{id}/resolve", (string id, ClaimsPrincipal user, CaseService cases, CancellationToken ct) =>
            Answer(cases.ResolveAsync(StaffTokenAuthentication.ActorOf(user), id, ct)));
        staff.MapGet("/notices", NoticesAsync);
        staff.MapPost("/notices/read", NoticesReadAsync);
        app.MapGet("/api/audit", AuditAsync).RequireAuthorization(AdminPolicy);
        app.MapGet("/api/cases/{id}/export", ExportAsync).RequireAuthorization(AdminPolicy);
        app.MapGet("/api/stats", StatsAsync).RequireAuthorization(AdminPolicy);
        return app;
    }

    private static async Task<IResult> TokenAsync(HttpRequest request, StaffStore staff, CaseStore store, TimeProvider clock)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, StaffApiJson.Default.TokenRequest, maxBytes: 8 * 1024);
        if (problem is not null) return problem;
        if (string.IsNullOrWhiteSpace(body?.Email) || string.IsNullOrEmpty(body.Password)) return Problems.BadRequest("Give \"email\" and \"password\".");
        if (body.Email.Length > 200 || body.Password.Length > 200) return Problems.BadRequest("The email or password is too long.");
        var (outcome, account, token, lifetime) = await staff.SignInAsync(body.Email, body.Password, request.HttpContext.RequestAborted);
        var actor = account is null ? new Actor("unknown", body.Email.Trim().ToLowerInvariant(), "none", null) : new Actor("staff:" + account.Id, account.Name, account.Role, account.OrganizationId);
        await store.AuditAsync(actor, outcome == SignInOutcome.Done ? "signin" : outcome == SignInOutcome.Locked ? "signin.locked" : "signin.failed", null, null, clock.GetUtcNow(), CancellationToken.None);
        return outcome switch
        {
            SignInOutcome.Done => TypedResults.Json(new TokenResponse(token!, "Bearer", (long)lifetime.TotalSeconds), StaffApiJson.Default.TokenResponse),
            SignInOutcome.Locked => Problems.Unauthorized($"Too many wrong passwords: the account is locked for {Math.Max(1, (int)Math.Ceiling(lifetime.TotalMinutes))} minutes."),
            _ => Problems.Unauthorized("The email or password is wrong."),
        };
    }

    private static async Task<IResult> MeAsync(ClaimsPrincipal user, OrganizationLookup organizations, CancellationToken ct)
    {
        var actor = StaffTokenAuthentication.ActorOf(user);
        var organization = actor.OrganizationId is null ? null : await organizations.FindAsync(actor.OrganizationId, ct);
        return TypedResults.Json(new MeResponse(actor.Id, actor.Name, actor.Role, actor.OrganizationId, organization?.NameJa), StaffApiJson.Default.MeResponse);
    }

    private static async Task<IResult> SignOutAsync(HttpRequest request, StaffStore staff)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer mhs_", StringComparison.Ordinal)) await staff.SignOutAsync(header["Bearer ".Length..].Trim(), CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> OrganizationsAsync(OrganizationLookup organizations, CancellationToken ct)
    {
        var all = await organizations.AllAsync(ct);
        return TypedResults.Json(all.Where(o => o.ReceivesCases).OrderBy(o => o.NameJa, StringComparer.Ordinal)
            .Select(o => new OrganizationItem(o.Id, o.NameJa, o.NameEn, o.ReceivesCases)).ToList(), StaffApiJson.Default.ListOrganizationItem);
    }

    private static async Task<IResult> ListAsync(HttpRequest request, ClaimsPrincipal user, CaseStore store, CaseViews views, OrganizationLookup organizations, CancellationToken ct)
    {
        var query = request.Query;
        var errors = new Dictionary<string, string[]>();
        var statuses = Split(query["status"]);
        foreach (var status in statuses.Where(s => !CaseStatus.All.Contains(s))) errors["status"] = [$"Unknown status '{status}'; use {string.Join(", ", CaseStatus.All)} (or \"open\")."];
        var urgency = Single(query["urgency"]);
        if (urgency is not null && urgency is not ("P0" or "P1" or "P2")) errors["urgency"] = ["Urgency is P0, P1 or P2."];
        var language = Single(query["language"]);
        if (language is not null && !Vocabulary.Languages.Contains(language)) errors["language"] = [$"Unknown language '{language}'."];
        var category = Single(query["category"]);
        if (category is not null && !Vocabulary.Categories.Contains(category)) errors["category"] = [$"Unknown category '{category}'."];
        var limit = 200;
        if (Single(query["limit"]) is { } text && (!int.TryParse(text, out limit) || limit is < 1 or > 1000)) errors["limit"] = ["limit is a number from 1 to 1000."];
        if (errors.Count > 0) return Problems.BadRequest("The filters are not valid.", errors);

        var actor = StaffTokenAuthentication.ActorOf(user);
        var cases = await store.ListAsync(CaseScope.For(actor), new CaseFilter(statuses.Count > 0 ? statuses : null, urgency, language, category, limit), ct);
        var byId = (await organizations.AllAsync(ct)).ToDictionary(o => o.Id, StringComparer.Ordinal);
        return TypedResults.Json(cases.Select(c => views.Item(c, byId)).ToList(), StaffApiJson.Default.ListCaseListItem);
    }

    private static async Task<IResult> GetAsync(string id, ClaimsPrincipal user, CaseService cases, CaseStore store, CaseViews views, OrganizationLookup organizations, CaseTranslations translations, CancellationToken ct)
    {
        var record = await cases.ViewAsync(StaffTokenAuthentication.ActorOf(user), id, ct);
        if (record is null) return Problems.NotFound("No such case.");
        var byId = (await organizations.AllAsync(ct)).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var timeline = await store.EventsAsync(id, ct);
        var translated = (await translations.ForCaseAsync(id, ct)).ToLookup(t => t.Source, StringComparer.Ordinal);
        var consent = record.Data.Consent;
        return TypedResults.Json(new CaseDetail(
            views.Item(record, byId), record.Data.Source, record.Data.Reason, record.Data.EmergencyKind,
            new ConsentView(consent?.ShareWithOrganisation == true, consent?.At, consent?.Notice),
            views.Summary(record, translated), timeline.Select(e => CaseViews.Entry(e, record, translated)).ToList(), views.Canned(record), record.Data.OfferedTo), StaffApiJson.Default.CaseDetail);
    }

    private static async Task<IResult> TimelineAsync(string id, HttpRequest request, ClaimsPrincipal user, CaseStore store, CaseTranslations translations, CancellationToken ct)
    {
        var record = await store.GetAsync(id, ct);
        if (record is null || !CaseScope.For(StaffTokenAuthentication.ActorOf(user)).Sees(record)) return Problems.NotFound("No such case.");
        long after = 0;
        if (Single(request.Query["after"]) is { } text && !long.TryParse(text, out after)) return Problems.BadRequest("after is an entry id (a number).");
        var translated = (await translations.ForCaseAsync(id, ct)).ToLookup(t => t.Source, StringComparer.Ordinal);
        return TypedResults.Json((await store.EventsAsync(id, ct, after)).Select(e => CaseViews.Entry(e, record, translated)).ToList(), StaffApiJson.Default.ListTimelineEntry);
    }

    private static async Task<IResult> MessageAsync(string id, HttpRequest request, ClaimsPrincipal user, CaseService cases)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, StaffApiJson.Default.MessageRequest, maxBytes: 64 * 1024);
        if (problem is not null) return problem;
        var text = body?.Text?.Trim();
        var canned = string.IsNullOrWhiteSpace(body?.Canned) ? null : body.Canned.Trim();
        if (string.IsNullOrEmpty(text) == (canned is null)) return Problems.BadRequest("Give \"text\" (the message) or \"canned\" (a canned reply id), not both.");
        if (text is { Length: > MaxTextLength }) return Problems.BadRequest($"The message is longer than {MaxTextLength} characters.");
        return await Answer(cases.SendAsync(StaffTokenAuthentication.ActorOf(user), id, text, canned, request.HttpContext.RequestAborted), StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> NoteAsync(string id, HttpRequest request, ClaimsPrincipal user, CaseService cases)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, StaffApiJson.Default.NoteRequest, maxBytes: 64 * 1024);
        if (problem is not null) return problem;
        var text = body?.Text?.Trim();
        if (string.IsNullOrEmpty(text)) return Problems.BadRequest("Give the note's \"text\".");
        if (text.Length > MaxTextLength) return Problems.BadRequest($"The note is longer than {MaxTextLength} characters.");
        return await Answer(cases.NoteAsync(StaffTokenAuthentication.ActorOf(user), id, text, request.HttpContext.RequestAborted), StatusCodes.Status201Created);
    }

    private static async Task<IResult> TransferAsync(string id, HttpRequest request, ClaimsPrincipal user, CaseService cases)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, StaffApiJson.Default.TransferRequest, maxBytes: 16 * 1024);
        if (problem is not null) return problem;
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body?.OrganizationId)) errors["organizationId"] = ["Give the organisation to transfer to."];
        if (string.IsNullOrWhiteSpace(body?.Reason)) errors["reason"] = ["Give the reason (the next organisation reads it)."];
        else if (body.Reason.Length > 1000) errors["reason"] = ["The reason is longer than 1000 characters."];
        if (errors.Count > 0) return Problems.BadRequest("The transfer is not valid.", errors);
        return await Answer(cases.TransferAsync(StaffTokenAuthentication.ActorOf(user), id, body!.OrganizationId!.Trim(), body.Reason!.Trim(), request.HttpContext.RequestAborted));
    }

    /// <summary>
    /// The organisation's notices, newest first (the coalition's: every organisation's): cases offered to it,
    /// withdrawn from it — an offer that ran out, a transfer — or closed by the worker. They name the case but open
    /// nothing: a case no longer with the organisation is still 404 to it.
    /// </summary>
    private static async Task<IResult> NoticesAsync(HttpRequest request, ClaimsPrincipal user, CaseStore store, CaseViews views, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var unread = false;
        if (Single(request.Query["unread"]) is { } flag && !bool.TryParse(flag, out unread)) errors["unread"] = ["unread is true or false."];
        var limit = 100;
        if (Single(request.Query["limit"]) is { } text && (!int.TryParse(text, out limit) || limit is < 1 or > 1000)) errors["limit"] = ["limit is a number from 1 to 1000."];
        if (errors.Count > 0) return Problems.BadRequest("The filters are not valid.", errors);
        var actor = StaffTokenAuthentication.ActorOf(user);
        var notices = await store.NoticesAsync(actor.IsAdmin ? null : actor.OrganizationId ?? string.Empty, unread, limit, ct);
        return TypedResults.Json(notices.Select(views.Notice).ToList(), StaffApiJson.Default.ListNoticeItem);
    }

    /// <summary>Marks the organisation's notices up to <c>upTo</c> (a notice id) read, for everyone there; the coalition's admins cannot.</summary>
    private static async Task<IResult> NoticesReadAsync(HttpRequest request, ClaimsPrincipal user, CaseStore store, TimeProvider clock)
    {
        var (body, problem) = await JsonBody.ReadAsync(request, StaffApiJson.Default.NoticesReadRequest, maxBytes: 4 * 1024);
        if (problem is not null) return problem;
        if (body?.UpTo is not { } upTo || upTo < 1) return Problems.BadRequest("Give \"upTo\": the id of the newest notice read.");
        var actor = StaffTokenAuthentication.ActorOf(user);
        // The coalition reads every organisation's notices, but only the organisation's own staff mark them read.
        if (actor.OrganizationId is null) return Problems.Forbidden("Notices are marked read by the organisation's own staff.");
        var marked = await store.MarkNoticesReadAsync(actor.OrganizationId, upTo, actor, clock.GetUtcNow(), CancellationToken.None);
        return TypedResults.Json(new NoticesReadResponse(marked), StaffApiJson.Default.NoticesReadResponse);
    }

    private static async Task<IResult> AuditAsync(HttpRequest request, CaseStore store, CancellationToken ct)
    {
        var limit = 200;
        if (Single(request.Query["limit"]) is { } text && (!int.TryParse(text, out limit) || limit is < 1 or > 5000)) return Problems.BadRequest("limit is a number from 1 to 5000.");
        var entries = await store.AuditAsync(Single(request.Query["caseId"]), Single(request.Query["actor"]), limit, ct);
        return TypedResults.Json(entries.ToList(), StaffApiJson.Default.ListAuditRecord);
    }

    /// <summary>
    /// Everything the service holds about the worker of a case, for a request to see their data (admins only,
    /// audited): every case of their conversation with its answers, consent, timeline and translations, the chat
    /// transcript, the conversation's state, and on LINE and Messenger their account as the service keeps it.
    /// Purged cases have nothing left to export.
    /// </summary>
    private static async Task<IResult> ExportAsync(string id, ClaimsPrincipal user, CaseStore store, CaseViews views, CaseTranslations translations,
        IActivityLogReader transcript, IStateStore state, Channels.Webhooks.ChannelUsers channelUsers, TimeProvider clock, CancellationToken ct)
    {
        var record = await store.GetAsync(id, ct);
        if (record is null) return Problems.NotFound("No such case.");
        if (record.Data.Source == CaseData.PurgedSource) return Problems.NotFound("This case's personal data was purged; there is nothing to export.");
        await store.AuditAsync(StaffTokenAuthentication.ActorOf(user), "worker.export", id, null, clock.GetUtcNow(), CancellationToken.None);
        var cases = new JsonArray();
        foreach (var item in await store.CasesOfConversationAsync(record.ConversationKey, ct))
        {
            var translated = (await translations.ForCaseAsync(item.Id, ct)).ToLookup(t => t.Source, StringComparer.Ordinal);
            var timeline = (await store.EventsAsync(item.Id, ct)).Select(e => CaseViews.Entry(e, item, translated)).ToList();
            cases.Add(new JsonObject
            {
                ["id"] = item.Id, ["status"] = item.Status, ["category"] = item.Category, ["urgency"] = item.Urgency, ["language"] = item.Language,
                ["prefecture"] = item.Prefecture, ["organizationId"] = item.OrganizationId, ["createdAt"] = item.CreatedAt, ["closedAt"] = item.ClosedAt,
                ["data"] = JsonSerializer.SerializeToNode(item.Data, CaseJson.Default.CaseData),
                ["summary"] = JsonSerializer.SerializeToNode(views.Summary(item, translated).ToList(), StaffApiJson.Default.ListSummaryLine),
                ["timeline"] = JsonSerializer.SerializeToNode(timeline, StaffApiJson.Default.ListTimelineEntry),
            });
        }
        var log = new JsonArray();
        foreach (var entry in await transcript.ReadAsync(record.ConversationKey, 0, 10_000, ct)) log.Add(JsonNode.Parse(entry.ActivityJson));
        var conversation = await state.ReadAsync(record.ConversationKey, ct);
        var account = record.Data.Reference is { ChannelId: { } channel, Conversation.Id: { Length: > 0 } who } && Data.Pseudonyms.Channels.Contains(channel)
            ? await channelUsers.GetAsync(channel, who, ct) : null;
        var export = new JsonObject
        {
            ["exportedAt"] = clock.GetUtcNow(),
            ["conversation"] = record.ConversationKey,
            ["account"] = account is null ? null : new JsonObject
            {
                ["channel"] = account.Channel, ["id"] = account.Address, ["language"] = account.Language, ["following"] = account.Active, ["lastWroteAt"] = account.LastInboundAt,
            },
            ["cases"] = cases,
            ["transcript"] = log,
            ["state"] = conversation is null ? null : JsonNode.Parse(conversation.Json),
        };
        return Results.Text(export.ToJsonString(), "application/json; charset=utf-8");
    }

    /// <summary>Anonymous statistics, from every case including purged ones: counts by status, category, language, urgency and month opened.</summary>
    private static async Task<IResult> StatsAsync(CaseStore store, CancellationToken ct)
    {
        var all = await store.ListAsync(new CaseScope(null, All: true), new CaseFilter(Limit: int.MaxValue), ct);
        JsonObject Count(Func<CaseRecord, string?> by) => new(all.GroupBy(c => by(c) ?? "unknown").OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)g.Count())));
        var stats = new JsonObject
        {
            ["cases"] = all.Count,
            ["byStatus"] = Count(c => c.Status),
            ["byCategory"] = Count(c => c.Category),
            ["byLanguage"] = Count(c => c.Language),
            ["byUrgency"] = Count(c => c.Urgency),
            ["byMonth"] = Count(c => c.CreatedAt.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture)),
        };
        return Results.Text(stats.ToJsonString(), "application/json; charset=utf-8");
    }

    private static async Task<IResult> Answer(Task<CaseActionResult> action, int status = StatusCodes.Status200OK)
    {
        var result = await action;
        return result.Outcome switch
        {
            CaseOutcome.Done => TypedResults.Json(new ActionResponse(result.Case!.Id, result.Case.Status), StaffApiJson.Default.ActionResponse, statusCode: status),
            CaseOutcome.NotFound => Problems.NotFound(result.Problem!),
            CaseOutcome.Invalid => Problems.BadRequest(result.Problem!),
            _ => TypedResults.Problem(result.Problem, statusCode: StatusCodes.Status409Conflict, title: "Not possible now."),
        };
    }

    private static List<string> Split(Microsoft.Extensions.Primitives.StringValues values)
    {
        var list = values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
        if (list.Remove("open")) list.AddRange(CaseStatus.Open);
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string? Single(Microsoft.Extensions.Primitives.StringValues values) =>
        values.Count == 0 || string.IsNullOrWhiteSpace(values[^1]) ? null : values[^1]!.Trim();
}
