using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Channels.Messenger;
using MigrantHelpBot.Channels.Webhooks;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Handoff.Api;
using MigrantHelpBot.Handoff.Notifications;
using MigrantHelpBot.Handoff.Relay;
using MigrantHelpBot.Handoff.Translations;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Handoff.Cases;

/// <summary>Why a staff action was refused.</summary>
public enum CaseOutcome { Done, NotFound, Conflict, Invalid }

/// <summary>The result of a staff action: the case after it, or why not.</summary>
public sealed record CaseActionResult(CaseOutcome Outcome, CaseRecord? Case = null, string? Problem = null)
{
    public static readonly CaseActionResult NotFound = new(CaseOutcome.NotFound, Problem: "No such case.");

    public static CaseActionResult Conflict(string problem) => new(CaseOutcome.Conflict, Problem: problem);

    public static CaseActionResult Invalid(string problem) => new(CaseOutcome.Invalid, Problem: problem);
}

/// <summary>
/// The case lifecycle. Every change is one transaction: the case (version-checked, so two replicas
/// or two staff members never both win), its timeline, the worker's notice (delivered by
/// <see cref="WorkerDelivery"/>), webhook notifications (the outbox) and the audit row.
/// </summary>
public sealed partial class CaseService(
    CaseStore store,
    OrganizationLookup organizations,
    LocaleCatalog locales,
    IOptions<HandoffOptions> options,
    TimeProvider clock,
    HandoffSignal signal,
    ChannelUsers channelUsers,
    IOptions<MessengerOptions> messengerOptions,
    MachineTranslator translator,
    CaseViews views,
    ILogger<CaseService> logger)
{
    private const int MaxAttempts = 5;

    /// <summary>What staff read a worker's words in: Japanese, and English for staff who read it better.</summary>
    public static readonly IReadOnlyList<string> StaffLanguages = [CaseViews.StaffLanguage, "en"];

    /// <summary>Opens (or adds to) the case for a routed intake or request for a person; nothing if another replica handled the event.</summary>
    internal async Task OpenAsync(long routedEventId, string conversationKey, RoutedCase routed, ConversationReference? reference, CancellationToken cancellationToken)
    {
        await using var tx = await store.BeginAsync(cancellationToken);
        if (!await tx.ClaimEventAsync(routedEventId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        var source = await tx.SourceEventAsync(routed.EventId, cancellationToken);
        if (source is null)
        {
            // The worker deleted their data before the case was opened: nothing to open.
            await tx.CommitAsync(cancellationToken);
            return;
        }
        var incoming = Incoming(source.Value.Kind, source.Value.Payload, routed);
        var existing = await tx.FindOpenAsync(conversationKey, cancellationToken);
        if (existing is not null)
        {
            await MergeAsync(tx, existing, incoming, now, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            signal.Notify();
            return;
        }

        var data = incoming.Data;
        data.Reference = reference;
        data.Candidates = [.. routed.Result.Matches.Where(m => m.ReceivesCases).Select(m => m.OrganizationId)];
        data.Fallback = routed.Result.Fallback;
        var record = new CaseRecord
        {
            Id = CaseStore.NewId(),
            ConversationKey = conversationKey,
            Status = CaseStatus.New,
            Category = incoming.Category,
            Urgency = incoming.Urgency,
            Language = incoming.Language,
            Prefecture = incoming.Prefecture,
            Data = data,
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
        await tx.InsertAsync(record, routedEventId, cancellationToken);
        if (data.Consent is not null) await CopyTranscriptAsync(tx, record, now, cancellationToken);
        await TranslateAnswersAsync(tx, record.Id, data, now, cancellationToken);
        await tx.AddEventAsync(record.Id, now, CaseEventKinds.Opened, Actor.System, null,
            new() { ["source"] = data.Source, ["urgency"] = record.Urgency, ["reason"] = data.Reason ?? string.Empty, ["consent"] = data.Consent is null ? "no" : "yes" }, false, cancellationToken);
        await OfferNextAsync(tx, record, now, previous: null, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        LogOpened(record.Id, record.Urgency);
        signal.Notify();
    }

    /// <summary>Offers past their SLA move to the next match; the organisation that let it pass is told.</summary>
    public async Task<int> ExpireOffersAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var moved = 0;
        foreach (var expired in await store.ExpiredOffersAsync(now, 50, cancellationToken))
        {
            await using var tx = await store.BeginAsync(cancellationToken);
            var record = await tx.GetAsync(expired.Id, cancellationToken);
            if (record is null || !CaseStatus.IsOffer(record.Status) || record.OfferExpiresAt > now) continue;
            var previous = record.OrganizationId is null ? null : await organizations.FindAsync(record.OrganizationId, cancellationToken);
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.OfferExpired, Actor.System, null,
                new() { ["organizationId"] = record.OrganizationId ?? string.Empty, ["offeredUntil"] = Iso(record.OfferExpiresAt) }, false, cancellationToken);
            await OrganizationNotifier.NotifyAsync(tx, record, previous, CaseNotification.Withdrawn, now, cancellationToken, CaseNotification.Reasons.OfferExpired);
            if (!await OfferNextAsync(tx, record, now, previous, cancellationToken)) continue; // someone else moved it first
            await tx.CommitAsync(cancellationToken);
            LogOfferExpired(record.Id, record.OrganizationId);
            moved++;
        }
        if (moved > 0) signal.Notify();
        return moved;
    }

    public Task<CaseActionResult> AcceptAsync(Actor actor, string caseId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, caseId, "case.accept", null, async (tx, record, now) =>
        {
            if (!CaseStatus.IsOffer(record.Status)) return CaseActionResult.Conflict(record.Status == CaseStatus.Accepted ? $"The case is already held by {record.AssigneeName}." : $"The case is {record.Status}; only an offered case can be accepted.");
            if (actor.OrganizationId is null || actor.OrganizationId != record.OrganizationId) return CaseActionResult.Conflict("Only staff of the organisation the case is offered to can accept it.");
            var organization = await organizations.FindAsync(record.OrganizationId, cancellationToken);
            var accepted = record with { Status = CaseStatus.Accepted, AssigneeId = actor.Id, AssigneeName = actor.Name, OfferExpiresAt = null, UpdatedAt = now };
            if (await tx.UpdateAsync(accepted, cancellationToken) is null) return null;
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.Accepted, actor, null, new() { ["organizationId"] = record.OrganizationId }, false, cancellationToken);
            await NoticeAsync(tx, accepted, now, "handoff.accepted", HandoffState.Held, new() { ["name"] = actor.Name, ["organization"] = organization?.NameEn ?? record.OrganizationId }, cancellationToken);
            return new CaseActionResult(CaseOutcome.Done, accepted);
        });

    /// <summary>A staff reply: stored, then delivered to the worker on their channel (in order, exactly once).</summary>
    public Task<CaseActionResult> SendAsync(Actor actor, string caseId, string? text, string? canned, CancellationToken cancellationToken) =>
        ChangeAsync(actor, caseId, "case.message", canned, async (tx, record, now) =>
        {
            if (record.Status != CaseStatus.Accepted) return CaseActionResult.Conflict("Accept the case before writing to the worker.");
            if (!actor.IsAdmin && actor.OrganizationId != record.OrganizationId) return CaseActionResult.Conflict("Only the organisation holding the case can write to the worker.");
            if (record.Data.Reference is { ChannelId: MessengerWebhookApi.Channel, Conversation.Id: { } worker })
            {
                // Messenger: a person may answer up to 7 days after the worker's last message; later, the worker must write first.
                var user = await channelUsers.GetAsync(MessengerWebhookApi.Channel, worker, cancellationToken);
                if (MessengerWindow.Check(user?.LastInboundAt, human: true, now, messengerOptions.Value).Problem is { } closed) return CaseActionResult.Conflict(closed);
            }
            var organization = await organizations.FindAsync(record.OrganizationId!, cancellationToken);
            var data = new Dictionary<string, string> { ["name"] = actor.Name, ["organization"] = organization?.NameEn ?? record.OrganizationId! };
            if (canned is not null)
            {
                if (!CannedReplies.Ids.Contains(canned)) return CaseActionResult.Invalid($"Unknown canned reply '{canned}'; use one of {string.Join(", ", CannedReplies.Ids)}.");
                text = locales.Text(record.Language, CannedReplies.Key(canned), data);
                data["canned"] = canned;
            }
            var id = await tx.AddEventAsync(record.Id, now, CaseEventKinds.StaffMessage, actor, text, data, true, cancellationToken);
            // A canned reply is already written in the worker's language; anything else goes out in the worker's language when it can.
            if (canned is null && translator.Configured)
            {
                await tx.RequestTranslationAsync(record.Id, CaseTranslations.EventSource(id), [record.Language], CaseTranslations.Reply, now, cancellationToken);
            }
            await tx.TouchAsync(record.Id, now, cancellationToken);
            return new CaseActionResult(CaseOutcome.Done, record);
        });

    public Task<CaseActionResult> NoteAsync(Actor actor, string caseId, string text, CancellationToken cancellationToken) =>
        ChangeAsync(actor, caseId, "case.note", null, async (tx, record, now) =>
        {
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.Note, actor, text, null, false, cancellationToken);
            return new CaseActionResult(CaseOutcome.Done, record);
        });

    public Task<CaseActionResult> TransferAsync(Actor actor, string caseId, string organizationId, string reason, CancellationToken cancellationToken) =>
        // The reason may name the worker's situation: it lives on the (sealed) timeline, not in the audit.
        ChangeAsync(actor, caseId, "case.transfer", $"to {organizationId}", async (tx, record, now) =>
        {
            if (!CaseStatus.IsOpen(record.Status)) return CaseActionResult.Conflict($"The case is {record.Status}.");
            if (organizationId == record.OrganizationId) return CaseActionResult.Invalid("The case is already with that organisation.");
            var target = await organizations.FindAsync(organizationId, cancellationToken);
            if (target is null) return CaseActionResult.Invalid($"No organisation '{organizationId}' in the directory.");
            if (!target.ReceivesCases || !target.AcceptingCases) return CaseActionResult.Invalid($"'{organizationId}' does not take cases through the console or a webhook now.");
            var previous = record.OrganizationId is null ? null : await organizations.FindAsync(record.OrganizationId, cancellationToken);
            var data = Copy(record.Data);
            data.OfferedTo.Add(organizationId);
            var moved = record with
            {
                Status = CaseStatus.Transferred, OrganizationId = organizationId, AssigneeId = null, AssigneeName = null,
                OfferExpiresAt = now + options.Value.OfferTimeoutFor(record.Urgency), UpdatedAt = now, Data = data,
            };
            if (await tx.UpdateAsync(moved, cancellationToken) is not { } stored) return null;
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.Transferred, actor, reason, new() { ["from"] = record.OrganizationId ?? string.Empty, ["to"] = organizationId }, false, cancellationToken);
            await OrganizationNotifier.NotifyAsync(tx, record, previous, CaseNotification.Withdrawn, now, cancellationToken, CaseNotification.Reasons.Transferred);
            await OrganizationNotifier.NotifyAsync(tx, stored, target, CaseNotification.Offered, now, cancellationToken, CaseNotification.Reasons.Transferred);
            await NoticeAsync(tx, moved, now, "handoff.transferred", HandoffState.Waiting, new() { ["organization"] = target.NameEn }, cancellationToken);
            return new CaseActionResult(CaseOutcome.Done, moved);
        });

    public Task<CaseActionResult> ResolveAsync(Actor actor, string caseId, CancellationToken cancellationToken) =>
        ChangeAsync(actor, caseId, "case.resolve", null, async (tx, record, now) =>
        {
            if (!CaseStatus.IsOpen(record.Status)) return CaseActionResult.Conflict($"The case is already {record.Status}.");
            if (!actor.IsAdmin && record.Status != CaseStatus.Accepted) return CaseActionResult.Conflict("Accept the case before resolving it.");
            var organization = record.OrganizationId is null ? null : await organizations.FindAsync(record.OrganizationId, cancellationToken);
            var resolved = record with { Status = CaseStatus.Resolved, OfferExpiresAt = null, ClosedAt = now, UpdatedAt = now };
            if (await tx.UpdateAsync(resolved, cancellationToken) is null) return null;
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.Resolved, actor, null, null, false, cancellationToken);
            await NoticeAsync(tx, resolved, now, "handoff.resolved", state: null, new() { ["organization"] = organization?.NameEn ?? "MigrantHelpBot" }, cancellationToken);
            return new CaseActionResult(CaseOutcome.Done, resolved);
        });

    /// <summary>Audits a staff member opening a case (and checks they may).</summary>
    public async Task<CaseRecord?> ViewAsync(Actor actor, string caseId, CancellationToken cancellationToken)
    {
        var record = await store.GetAsync(caseId, cancellationToken);
        if (record is null || !CaseScope.For(actor).Sees(record)) return null;
        await store.AuditAsync(actor, "case.view", caseId, null, clock.GetUtcNow(), cancellationToken);
        return record;
    }

    /// <summary>A worker's message during a case (relayed by the middleware through a domain event).</summary>
    internal async Task WorkerMessageAsync(long eventId, string conversationKey, WorkerMessage message, CancellationToken cancellationToken)
    {
        await using var tx = await store.BeginAsync(cancellationToken);
        if (!await tx.ClaimEventAsync(eventId, cancellationToken, clearPayload: true)) return;
        var record = (message.CaseId is null ? null : await tx.GetAsync(message.CaseId, cancellationToken)) ?? await tx.FindOpenAsync(conversationKey, cancellationToken);
        if (record is not null)
        {
            Dictionary<string, string>? data = message.Emergency ? new() { ["emergency"] = "yes" } : message.Attachment is { } kind ? new() { ["attachment"] = kind } : null;
            var id = await tx.AddEventAsync(record.Id, message.At, CaseEventKinds.WorkerMessage, Actor.Worker, message.Attachment is null ? message.Text : null, data, false, cancellationToken);
            if (message.Attachment is null) await TranslateForStaffAsync(tx, record.Id, CaseTranslations.EventSource(id), message.At, cancellationToken);
            await tx.TouchAsync(record.Id, message.At, cancellationToken);
            if (message.Emergency && record.Urgency != "P0" && CaseStatus.IsOpen(record.Status))
            {
                // Danger now: the case becomes an emergency, and an offer waits no longer than an emergency offer may.
                var limit = message.At + options.Value.EmergencyOfferTimeout;
                var raised = record with { Urgency = "P0", UpdatedAt = message.At, OfferExpiresAt = record.OfferExpiresAt is { } at && at > limit ? limit : record.OfferExpiresAt };
                // Lost to a concurrent change: the whole event is retried, so the raise is never dropped.
                if (await tx.UpdateAsync(raised, cancellationToken) is null) throw new CaseConflictException(record.Id);
                await tx.AddEventAsync(record.Id, message.At, CaseEventKinds.Updated, Actor.System, null, new() { ["urgency"] = "P0" }, false, cancellationToken);
            }
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>The worker ended the conversation with the person (they were told in that turn).</summary>
    internal async Task WorkerEndedAsync(long eventId, string conversationKey, string? caseId, CancellationToken cancellationToken)
    {
        await using var tx = await store.BeginAsync(cancellationToken);
        if (!await tx.ClaimEventAsync(eventId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        var record = (caseId is null ? null : await tx.GetAsync(caseId, cancellationToken)) ?? await tx.FindOpenAsync(conversationKey, cancellationToken);
        if (record is not null && CaseStatus.IsOpen(record.Status))
        {
            var closed = record with { Status = CaseStatus.ClosedByWorker, OfferExpiresAt = null, ClosedAt = now, UpdatedAt = now };
            if (await tx.UpdateAsync(closed, cancellationToken) is null) throw new CaseConflictException(record.Id);
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.ClosedByWorker, Actor.Worker, null, null, false, cancellationToken);
            var organization = record.OrganizationId is null ? null : await organizations.FindAsync(record.OrganizationId, cancellationToken);
            await OrganizationNotifier.NotifyAsync(tx, record, organization, CaseNotification.Closed, now, cancellationToken, CaseNotification.Reasons.ClosedByWorker);
        }
        await tx.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// The worker deleted their data: every open case of the conversation is closed and its organisation told,
    /// every case's personal data is purged, and what is left of the conversation (state, transcript, events,
    /// sent messages, the channel's record of the user) goes, in one transaction.
    /// </summary>
    internal async Task WorkerErasedAsync(long eventId, string conversationKey, CancellationToken cancellationToken)
    {
        await using var tx = await store.BeginAsync(cancellationToken);
        if (!await tx.ClaimEventAsync(eventId, cancellationToken, clearPayload: true)) return;
        var now = clock.GetUtcNow();
        var users = new List<string>();
        foreach (var record in await tx.CasesOfConversationAsync(conversationKey, cancellationToken))
        {
            if (UserKey(record) is { } user) users.Add(user);
            if (CaseStatus.IsOpen(record.Status))
            {
                var closed = record with { Status = CaseStatus.ClosedByWorker, OfferExpiresAt = null, ClosedAt = now, UpdatedAt = now };
                if (await tx.UpdateAsync(closed, cancellationToken) is null) throw new CaseConflictException(record.Id);
            }
            // The organisation learns that the case is gone (also one the worker had just ended): it will find nothing left.
            if (record.OrganizationId is not null)
            {
                var organization = await organizations.FindAsync(record.OrganizationId, cancellationToken);
                await OrganizationNotifier.NotifyAsync(tx, record, organization, CaseNotification.Closed, now, cancellationToken, CaseNotification.Reasons.WorkerDeletedData);
            }
            await tx.PurgeCaseAsync(record.Id, now, cancellationToken);
            await tx.AuditAsync(Actor.Worker, "case.purge", record.Id, "worker_deleted_data", now, cancellationToken);
        }
        await tx.EraseConversationAsync(conversationKey, users, transcript: false, eventsUpTo: eventId, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        LogErased();
        signal.Notify();
    }

    /// <summary>
    /// Retention: a closed case whose <see cref="HandoffOptions.CaseRetention"/> has passed loses its personal data
    /// (only anonymous statistics stay) — the worker's last case together with its conversation, once nobody has written
    /// there for as long; and any conversation quiet for as long, with no open case, loses its state and transcript.
    /// </summary>
    public async Task<int> PurgeExpiredAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - options.Value.CaseRetention;
        var purged = 0;
        (DateTimeOffset, string)? after = null;
        for (var page = await store.ClosedBeforeAsync(cutoff, after, 100, cancellationToken); page.Count > 0; page = await store.ClosedBeforeAsync(cutoff, after, 100, cancellationToken))
        {
            after = (page[^1].ClosedAt!.Value, page[^1].Id);
            purged += await PurgeClosedAsync(page, now, cutoff, cancellationToken);
        }
        // Conversations nobody has written in for as long (with or without a case) lose their state and transcript too.
        foreach (var key in await store.IdleConversationsAsync(cutoff, 100, cancellationToken))
        {
            await using var tx = await store.BeginAsync(cancellationToken);
            if (await tx.FindOpenAsync(key, cancellationToken) is not null) continue;
            var touched = await tx.ConversationTouchedAsync(key, cancellationToken);
            if (touched is null || touched >= cutoff) continue;
            await tx.EraseConversationAsync(key, [], transcript: true, eventsUpTo: null, cancellationToken);
            await tx.CommitAsync(cancellationToken);
            purged++;
        }
        if (purged > 0) LogPurged(purged);
        return purged;
    }

    private async Task<int> PurgeClosedAsync(IReadOnlyList<CaseRecord> page, DateTimeOffset now, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var expired in page)
        {
            await using var tx = await store.BeginAsync(cancellationToken);
            var record = await tx.GetAsync(expired.Id, cancellationToken);
            if (record is null || CaseStatus.IsOpen(record.Status) || record.ClosedAt >= cutoff) continue;
            var others = (await tx.CasesOfConversationAsync(record.ConversationKey, cancellationToken)).Count(c => c.Id != record.Id);
            var touched = await tx.ConversationTouchedAsync(record.ConversationKey, cancellationToken);
            var quiet = touched is null || touched < cutoff;
            // The worker's last case: wait until the conversation is quiet too, then both go together (with the worker's own state).
            if (others == 0 && !quiet) continue;
            await tx.PurgeCaseAsync(record.Id, now, cancellationToken);
            await tx.AuditAsync(Actor.System, "case.purge", record.Id, "retention", now, cancellationToken);
            if (others == 0)
            {
                await tx.EraseConversationAsync(record.ConversationKey, UserKey(record) is { } user ? [user] : [], transcript: true, eventsUpTo: null, cancellationToken);
            }
            await tx.CommitAsync(cancellationToken);
            purged++;
        }
        return purged;
    }

    /// <summary>An external agent hub's <c>handoff.status</c>: accepted, completed or failed.</summary>
    internal async Task HubStatusAsync(long eventId, string conversationKey, string state, string? message, CancellationToken cancellationToken)
    {
        await using var tx = await store.BeginAsync(cancellationToken);
        if (!await tx.ClaimEventAsync(eventId, cancellationToken)) return;
        var now = clock.GetUtcNow();
        var record = await tx.FindOpenAsync(conversationKey, cancellationToken);
        if (record is not null)
        {
            var hub = new Actor("hub", "agent hub", "hub", record.OrganizationId);
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.HubStatus, hub, message, new() { ["state"] = state }, false, cancellationToken);
            switch (state)
            {
                case "accepted" when record.Status != CaseStatus.Accepted:
                    var accepted = record with { Status = CaseStatus.Accepted, AssigneeId = hub.Id, AssigneeName = hub.Name, OfferExpiresAt = null, UpdatedAt = now };
                    if (await tx.UpdateAsync(accepted, cancellationToken) is null) throw new CaseConflictException(record.Id);
                    await tx.AddEventAsync(record.Id, now, CaseEventKinds.Accepted, hub, null, null, false, cancellationToken);
                    // The hub talks with the worker itself: the bot steps aside, as for our own staff.
                    await NoticeAsync(tx, accepted, now, "handoff.accepted_hub", HandoffState.Held, [], cancellationToken);
                    break;
                case "completed":
                    var resolved = record with { Status = CaseStatus.Resolved, OfferExpiresAt = null, ClosedAt = now, UpdatedAt = now };
                    if (await tx.UpdateAsync(resolved, cancellationToken) is null) throw new CaseConflictException(record.Id);
                    await tx.AddEventAsync(record.Id, now, CaseEventKinds.Resolved, hub, null, null, false, cancellationToken);
                    await NoticeAsync(tx, resolved, now, "handoff.resolved", state: null, new() { ["organization"] = "MigrantHelpBot" }, cancellationToken);
                    break;
                case "failed":
                    var previous = record.OrganizationId is null ? null : await organizations.FindAsync(record.OrganizationId, cancellationToken);
                    await OrganizationNotifier.NotifyAsync(tx, record, previous, CaseNotification.Withdrawn, now, cancellationToken, CaseNotification.Reasons.HubFailed);
                    if (!await OfferNextAsync(tx, record, now, previous, cancellationToken)) throw new CaseConflictException(record.Id);
                    break;
            }
        }
        await tx.CommitAsync(cancellationToken);
        signal.Notify();
    }

    /// <summary>Offers the case to the next match not yet tried (or leaves it for the coalition to place) and tells the worker.</summary>
    private async Task<bool> OfferNextAsync(CaseTransaction tx, CaseRecord record, DateTimeOffset now, OrganizationInfo? previous, CancellationToken cancellationToken)
    {
        var data = Copy(record.Data);
        var known = (await organizations.AllAsync(cancellationToken)).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var next = data.Candidates.Where(c => !data.OfferedTo.Contains(c))
            .Select(known.GetValueOrDefault).FirstOrDefault(o => o is { ReceivesCases: true, AcceptingCases: true });
        if (next is null)
        {
            var unplaced = record with { Status = CaseStatus.New, OrganizationId = null, AssigneeId = null, AssigneeName = null, OfferExpiresAt = null, UpdatedAt = now };
            if (await tx.UpdateAsync(unplaced, cancellationToken) is null) return false;
            await tx.AddEventAsync(record.Id, now, CaseEventKinds.Unplaced, Actor.System, null, null, false, cancellationToken);
            await NoticeAsync(tx, unplaced, now, "handoff.unplaced", HandoffState.Waiting, [], cancellationToken);
            return true;
        }

        data.OfferedTo.Add(next.Id);
        var timeout = options.Value.OfferTimeoutFor(record.Urgency);
        var offered = record with { Status = CaseStatus.Offered, OrganizationId = next.Id, AssigneeId = null, AssigneeName = null, OfferExpiresAt = now + timeout, UpdatedAt = now, Data = data };
        if (await tx.UpdateAsync(offered, cancellationToken) is not { } stored) return false;
        await tx.AddEventAsync(record.Id, now, CaseEventKinds.Offered, Actor.System, null,
            new() { ["organizationId"] = next.Id, ["expiresAt"] = Iso(offered.OfferExpiresAt) }, false, cancellationToken);
        await OrganizationNotifier.NotifyAsync(tx, stored, next, CaseNotification.Offered, now, cancellationToken);
        var values = new Dictionary<string, string>
        {
            ["organization"] = next.NameEn,
            ["minutes"] = ((int)Math.Ceiling(timeout.TotalMinutes)).ToString(CultureInfo.InvariantCulture),
            ["hours"] = ((int)Math.Ceiling(timeout.TotalHours)).ToString(CultureInfo.InvariantCulture),
        };
        var key = previous is not null ? "handoff.moved" : timeout < TimeSpan.FromHours(1) ? "handoff.offered_soon" : "handoff.offered";
        await NoticeAsync(tx, offered, now, key, HandoffState.Waiting, values, cancellationToken, initiate: previous is null);
        return true;
    }

    /// <summary>A status message for the worker, in their language, with the handoff state the bot keeps from then on.</summary>
    private static async Task NoticeAsync(CaseTransaction tx, CaseRecord record, DateTimeOffset now, string key, string? state, Dictionary<string, string> values, CancellationToken cancellationToken, bool initiate = false)
    {
        var data = new Dictionary<string, string>(values) { ["key"] = key, ["state"] = state ?? "none" };
        if (initiate) data["initiate"] = "yes";
        await tx.AddEventAsync(record.Id, now, CaseEventKinds.Notice, Actor.System, null, data, true, cancellationToken);
    }

    /// <summary>Runs a staff action in a transaction: the case must exist and be visible (else 404), the change is version-checked and audited.</summary>
    private async Task<CaseActionResult> ChangeAsync(Actor actor, string caseId, string action, string? detail, Func<CaseTransaction, CaseRecord, DateTimeOffset, Task<CaseActionResult?>> change)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var tx = await store.BeginAsync(CancellationToken.None);
            var record = await tx.GetAsync(caseId, CancellationToken.None);
            if (record is null || !CaseScope.For(actor).Sees(record)) return CaseActionResult.NotFound;
            var now = clock.GetUtcNow();
            var result = await change(tx, record, now);
            if (result is null)
            {
                if (attempt >= MaxAttempts) return CaseActionResult.Conflict("The case kept changing; try again.");
                continue; // someone changed the case meanwhile: read it again
            }
            if (result.Outcome != CaseOutcome.Done) return result;
            await tx.AuditAsync(actor, action, caseId, detail, now, CancellationToken.None);
            await tx.CommitAsync(CancellationToken.None);
            signal.Notify();
            return result;
        }
    }

    private async Task MergeAsync(CaseTransaction tx, CaseRecord existing, IncomingCase incoming, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var data = Copy(existing.Data);
        if (incoming.Data.Consent is not null)
        {
            foreach (var (slot, value) in incoming.Data.Answers) data.Answers[slot] = value;
            data.Consent ??= incoming.Data.Consent;
        }
        var urgency = string.CompareOrdinal(incoming.Urgency, existing.Urgency) < 0 ? incoming.Urgency : existing.Urgency;
        var expires = existing.OfferExpiresAt;
        if (urgency == "P0" && existing.Urgency != "P0" && expires is { } at && at > now + options.Value.EmergencyOfferTimeout) expires = now + options.Value.EmergencyOfferTimeout;
        var merged = existing with
        {
            Urgency = urgency,
            Category = existing.Category ?? incoming.Category,
            Prefecture = existing.Prefecture ?? incoming.Prefecture,
            OfferExpiresAt = expires,
            Data = data,
            UpdatedAt = now,
        };
        if (await tx.UpdateAsync(merged, cancellationToken) is null) throw new CaseConflictException(existing.Id);
        await TranslateAnswersAsync(tx, existing.Id, data, now, cancellationToken);
        await tx.AddEventAsync(existing.Id, now, CaseEventKinds.Updated, Actor.System, null,
            new() { ["source"] = incoming.Data.Source, ["urgency"] = urgency, ["consent"] = incoming.Data.Consent is null ? "no" : "yes" }, false, cancellationToken);
    }

    /// <summary>What the worker and the bot said before the handoff (the worker agreed to share "the messages in this chat").</summary>
    private async Task CopyTranscriptAsync(CaseTransaction tx, CaseRecord record, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var json in await tx.ConversationLogAsync(record.ConversationKey, 500, cancellationToken))
        {
            Activity? activity;
            try
            {
                activity = JsonSerializer.Deserialize(json, BotJsonContext.Wire.Activity);
            }
            catch (JsonException)
            {
                continue;
            }
            if (activity is not { Type: ActivityTypes.Message, Text.Length: > 0 }) continue;
            var fromBot = activity.From?.Role == "bot";
            var id = await tx.AddEventAsync(record.Id, activity.Timestamp ?? now, fromBot ? CaseEventKinds.BotMessage : CaseEventKinds.WorkerMessage,
                fromBot ? Actor.System : Actor.Worker, activity.Text, new() { ["beforeHandoff"] = "yes" }, false, cancellationToken);
            // What the bot said was written by people in locales/; only the worker's own words are machine-translated.
            if (!fromBot) await TranslateForStaffAsync(tx, record.Id, CaseTranslations.EventSource(id), now, cancellationToken);
        }
    }

    /// <summary>Asks for a worker's words in the staff languages (when a translator is configured), with the change that stored them.</summary>
    private Task TranslateForStaffAsync(CaseTransaction tx, string caseId, string source, DateTimeOffset now, CancellationToken cancellationToken) =>
        translator.Configured ? tx.RequestTranslationAsync(caseId, source, StaffLanguages, CaseTranslations.ForStaff, now, cancellationToken) : Task.CompletedTask;

    /// <summary>The summary answers written in the worker's own words (not choices), for staff to read translated.</summary>
    private async Task TranslateAnswersAsync(CaseTransaction tx, string caseId, CaseData data, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var (field, value) in views.WorkerTexts(data))
        {
            await TranslateForStaffAsync(tx, caseId, CaseTranslations.AnswerSource(field, value), now, cancellationToken);
        }
    }

    /// <summary>The worker's own state key (their language and script), from how the case reaches them.</summary>
    private static string? UserKey(CaseRecord record) =>
        record.Data.Reference is { ChannelId: { } channel, User.Id: { } user } ? Bot.State.StateKeys.User(channel, user) : null;

    private static IncomingCase Incoming(string kind, string payload, RoutedCase routed)
    {
        if (kind == CaseIntake.EventKind)
        {
            var intake = JsonSerializer.Deserialize<CaseIntake>(payload)!;
            return new IncomingCase(intake.Category ?? routed.Request.Category, intake.Emergency ? "P0" : intake.Urgency, intake.Language, routed.Request.Prefecture, new CaseData
            {
                Source = "intake",
                Script = intake.Script,
                EmergencyKind = intake.EmergencyKind,
                Answers = new Dictionary<string, string>(intake.Answers),
                Consent = intake.Consent,
            });
        }
        var request = JsonSerializer.Deserialize<HandoffRequest>(payload)!;
        var category = routed.Request.Category ?? Language.Triage.TriageClassifier.CategoryOf(request.EmergencyKind);
        return new IncomingCase(category, request.Urgency, request.Language, routed.Request.Prefecture, new CaseData
        {
            Source = "handoff",
            Reason = request.Reason,
            EmergencyKind = request.EmergencyKind,
            Answers = request.ConsentToShare ? new Dictionary<string, string>(request.Answers) : [],
            Consent = request.ConsentToShare ? new ConsentRecord { ShareWithOrganisation = true, At = request.CreatedAt, Notice = "commands.human.explain" } : null,
        });
    }

    private static CaseData Copy(CaseData data) =>
        JsonSerializer.Deserialize(JsonSerializer.Serialize(data, CaseJson.Default.CaseData), CaseJson.Default.CaseData)!;

    private static string Iso(DateTimeOffset? at) => at?.ToString("O", CultureInfo.InvariantCulture) ?? string.Empty;

    private sealed record IncomingCase(string? Category, string Urgency, string Language, string? Prefecture, CaseData Data);

    [LoggerMessage(Level = LogLevel.Information, Message = "A worker deleted their data; their cases were closed and purged.")]
    private partial void LogErased();

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Count} closed cases purged of personal data.")]
    private partial void LogPurged(int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Case {CaseId} opened ({Urgency}).")]
    private partial void LogOpened(string caseId, string urgency);

    [LoggerMessage(Level = LogLevel.Information, Message = "The offer of case {CaseId} ran out; it moved on (now with {OrganizationId}).")]
    private partial void LogOfferExpired(string caseId, string? organizationId);
}

/// <summary>The case changed under us (another replica); the event is retried.</summary>
public sealed class CaseConflictException(string caseId) : Exception($"Case {caseId} changed while it was being updated.");

/// <summary>A worker's message for their case (the <c>case.worker_message</c> domain event).</summary>
/// <summary>A worker's message during a case; <see cref="Attachment"/> names what they sent that the bot cannot pass on (a photo, a sticker), with no text.</summary>
internal sealed record WorkerMessage(string? CaseId, string Text, DateTimeOffset At, bool Emergency, string? Attachment = null);

/// <summary>Canned replies staff can send: the text lives in every locale as <c>handoff.canned.{id}</c>.</summary>
public static class CannedReplies
{
    public static readonly IReadOnlyList<string> Ids = ["greeting", "safe_time", "documents", "evidence", "working_on_it", "danger"];

    public static string Key(string id) => $"handoff.canned.{id}";
}
