using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Channels;
using MigrantHelpBot.Data;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Directory.Matching;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Handoff.Translations;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Handoff.Relay;

/// <summary>
/// The handoff's background work, on every replica (the database decides who wins each piece):
/// opens cases from routed intakes, files the worker's relayed messages, moves offers past their
/// SLA, and delivers staff replies and status notices to the worker — in order per case, each once.
/// </summary>
internal sealed partial class HandoffWorker(
    CaseStore store,
    EventStore events,
    CaseService cases,
    TurnRunner runner,
    ProactiveMessenger messenger,
    LocaleCatalog locales,
    HandoffSignal signal,
    CaseTranslations translations,
    MachineTranslator translator,
    IOptions<HandoffOptions> options,
    TimeProvider clock,
    ILogger<HandoffWorker> logger) : BackgroundService
{
    private static readonly IReadOnlyList<string> Kinds = [RoutedCase.Kind, HandoffMiddleware.WorkerMessageKind, HandoffMiddleware.WorkerEndedKind, HandoffMiddleware.HubStatusKind, CaseIntake.ErasedKind];
    private DateTimeOffset _nextSweep = DateTimeOffset.MinValue;
    private DateTimeOffset _nextRetention = DateTimeOffset.MinValue;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        WorkLoop.RunAsync(PassAsync, ct => signal.WaitAsync(TimeSpan.FromMilliseconds(200), ct), LogFailed, stoppingToken);

    /// <summary>One pass: the pending events, the offer and retention sweeps when due, then the notices to deliver.</summary>
    private async Task<int> PassAsync(CancellationToken stoppingToken)
    {
        var work = await ProcessEventsAsync(stoppingToken);
        if (clock.GetUtcNow() >= _nextSweep)
        {
            _nextSweep = clock.GetUtcNow() + options.Value.SweepInterval;
            work += await cases.ExpireOffersAsync(stoppingToken);
        }
        if (clock.GetUtcNow() >= _nextRetention)
        {
            _nextRetention = clock.GetUtcNow() + options.Value.RetentionSweepInterval;
            work += await cases.PurgeExpiredAsync(stoppingToken);
        }
        return work + await DeliverAsync(stoppingToken);
    }

    /// <summary>One pass over the events turns and the router committed.</summary>
    internal async Task<int> ProcessEventsAsync(CancellationToken cancellationToken)
    {
        var pending = await events.ReadUnhandledAsync(Kinds, 100, cancellationToken);
        foreach (var stored in pending)
        {
            try
            {
                await HandleAsync(stored, cancellationToken);
            }
            catch (JsonException exception)
            {
                LogUnreadable(exception, stored.Id, stored.Kind);
                await using var tx = await store.BeginAsync(cancellationToken);
                await tx.ClaimEventAsync(stored.Id, cancellationToken, clearPayload: true);
                await tx.CommitAsync(cancellationToken);
            }
            catch (CaseConflictException)
            {
                // Another replica changed the case meanwhile: the event stays unhandled and is tried again.
            }
        }
        return pending.Count;
    }

    private async Task HandleAsync(StoredEvent stored, CancellationToken cancellationToken)
    {
        switch (stored.Kind)
        {
            case RoutedCase.Kind:
                var routed = RoutedCase.FromJson(stored.Payload) ?? throw new JsonException("empty");
                var reference = await runner.GetConversationReferenceAsync(stored.ConversationKey, cancellationToken);
                await cases.OpenAsync(stored.Id, stored.ConversationKey, routed, reference, cancellationToken);
                break;
            case HandoffMiddleware.WorkerMessageKind:
                var message = JsonSerializer.Deserialize(stored.Payload, HandoffJson.Default.WorkerMessage) ?? throw new JsonException("empty");
                await cases.WorkerMessageAsync(stored.Id, stored.ConversationKey, message, cancellationToken);
                break;
            case HandoffMiddleware.WorkerEndedKind:
                var ended = JsonSerializer.Deserialize(stored.Payload, HandoffJson.Default.DictionaryStringString) ?? throw new JsonException("empty");
                await cases.WorkerEndedAsync(stored.Id, stored.ConversationKey, ended.GetValueOrDefault("caseId"), cancellationToken);
                break;
            case CaseIntake.ErasedKind:
                await cases.WorkerErasedAsync(stored.Id, stored.ConversationKey, cancellationToken);
                break;
            case HandoffMiddleware.HubStatusKind:
                var status = JsonSerializer.Deserialize(stored.Payload, HandoffJson.Default.DictionaryStringString) ?? throw new JsonException("empty");
                await cases.HubStatusAsync(stored.Id, stored.ConversationKey, status["state"], status.GetValueOrDefault("message"), cancellationToken);
                break;
        }
    }

    /// <summary>Delivers pending staff messages and notices; a case whose delivery fails waits (its later messages too) and is retried.</summary>
    internal async Task<int> DeliverAsync(CancellationToken cancellationToken)
    {
        var pending = await store.PendingDeliveriesAsync(100, cancellationToken);
        var blocked = new HashSet<string>(StringComparer.Ordinal);
        var records = new Dictionary<string, CaseRecord?>(StringComparer.Ordinal);
        var delivered = 0;
        foreach (var entry in pending)
        {
            if (blocked.Contains(entry.CaseId)) continue;
            if (!records.TryGetValue(entry.CaseId, out var record)) records[entry.CaseId] = record = await store.GetAsync(entry.CaseId, cancellationToken);
            if (record is null)
            {
                await store.MarkDeliveryAsync(entry.Id, "failed", "The case no longer exists.", cancellationToken);
                continue;
            }
            try
            {
                var reply = await ReplyAsync(record, entry, cancellationToken);
                if (reply is null)
                {
                    blocked.Add(entry.CaseId); // its translation is on the way: this case's later messages wait behind it
                    continue;
                }
                var result = record.Data.Reference is { } reference
                    ? await messenger.ContinueAsync(reference, (turn, ct) => Deliver(turn, record, entry, reply), cancellationToken, $"case-event-{entry.Id}")
                    : await messenger.ContinueAsync(record.ConversationKey, (turn, ct) => Deliver(turn, record, entry, reply), cancellationToken, $"case-event-{entry.Id}");
                if (result is null)
                {
                    await store.MarkDeliveryAsync(entry.Id, "failed", "The worker's conversation can no longer be reached.", cancellationToken);
                    continue;
                }
                await store.MarkDeliveryAsync(entry.Id, "sent", null, cancellationToken);
                delivered++;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogDeliveryFailed(exception, entry.Id, entry.CaseId);
                blocked.Add(entry.CaseId);
            }
        }
        return delivered;
    }

    /// <summary>
    /// What a staff message says to the worker: its machine translation into the worker's language, or — when the
    /// translator is not configured, fails, has its circuit open or has not answered within the hold — the staff
    /// member's own words, marked as not translated (its translation follows when the translator answers).
    /// Null: wait a moment for the translation. Other entries are delivered as they are.
    /// </summary>
    private async Task<Reply?> ReplyAsync(CaseRecord record, CaseEvent entry, CancellationToken cancellationToken)
    {
        var original = new Reply(entry.Text ?? string.Empty, null);
        if (entry.Kind != CaseEventKinds.StaffMessage) return original;
        var source = CaseTranslations.EventSource(entry.Id);
        var row = await translations.GetAsync(record.Id, source, record.Language, cancellationToken);
        if (row is null) return original; // a canned reply (already in the worker's language), or no translator
        if (row.Status == TranslationStatus.Done) return Translated(row, original);
        if (row.Status == TranslationStatus.Pending && row.Error is null && translator.Available && clock.GetUtcNow() - entry.At < options.Value.TranslationHold) return null;
        if (await translations.MarkLateAsync(record.Id, source, record.Language, cancellationToken)) return original with { Note = "handoff.not_translated" };
        row = await translations.GetAsync(record.Id, source, record.Language, cancellationToken); // finished meanwhile
        return row is { Status: TranslationStatus.Done } ? Translated(row, original) : original with { Note = "handoff.not_translated" };
    }

    private static Reply Translated(CaseTranslation row, Reply original) =>
        row.SameLanguage || row.Text is null ? original : new Reply(row.Text, "handoff.machine_translated");

    /// <summary>The text a worker reads for a staff message, and the locale key of the line under it (machine-translated, or not translated).</summary>
    private sealed record Reply(string Text, string? Note);

    /// <summary>The id of the message that delivers case event <paramref name="eventId"/>; outbox keys contain it.</summary>
    internal static string DeliveryId(long eventId) => $"case-event-{eventId.ToString(CultureInfo.InvariantCulture)}-out";

    /// <summary>The proactive turn: what the worker reads, and the handoff state that goes with it (committed together).</summary>
    private Task Deliver(ITurnContext turn, CaseRecord record, CaseEvent entry, Reply reply)
    {
        var data = entry.Data is { ValueKind: JsonValueKind.Object } json
            ? json.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal)
            : new Dictionary<string, string>(StringComparer.Ordinal);
        var language = record.Language;
        if (entry.Kind is CaseEventKinds.StaffMessage or CaseEventKinds.StaffMessageTranslation)
        {
            var text = entry.Kind == CaseEventKinds.StaffMessage
                ? $"{locales.Text(language, "handoff.staff_says", data)}\n{reply.Text}"
                : $"{locales.Text(language, "handoff.translation_followup", data)}\n{reply.Text}";
            var note = entry.Kind == CaseEventKinds.StaffMessageTranslation ? "handoff.machine_translated" : reply.Note;
            if (note is not null) text += "\n\n" + locales.Text(language, note);
            // Written by a person (Messenger lets a person answer later than the bot may); its id ties a failed send to this entry.
            turn.Send(new Activity
            {
                Type = ActivityTypes.Message, Id = DeliveryId(entry.Id), Text = text, Locale = language,
                ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, bool> { ["humanAgent"] = true }, HandoffJson.Default.DictionaryStringBoolean),
            });
            return Task.CompletedTask;
        }

        var state = data.GetValueOrDefault("state");
        if (state is HandoffState.Waiting or HandoffState.Held)
        {
            turn.ConversationState.Set(HandoffState.Property, new HandoffState
            {
                CaseId = record.Id,
                Status = state,
                Language = language,
            });
        }
        else if (turn.ConversationState.TryGet(HandoffState.Property, out var current) && current.CaseId == record.Id)
        {
            turn.ConversationState.Remove(HandoffState.Property.Name);
        }
        data["stop"] = locales.Text(language, "commands.stop.label");
        turn.Send(new Activity { Type = ActivityTypes.Message, Id = DeliveryId(entry.Id), Text = locales.Text(language, data["key"], data), Locale = language });
        if (data.GetValueOrDefault("initiate") == "yes")
        {
            // Bot Framework's handoff protocol: an agent hub on this channel may take the case instead of our console.
            turn.Send(new Activity
            {
                Type = ActivityTypes.Event,
                Name = "handoff.initiate",
                Value = JsonSerializer.SerializeToElement(new Dictionary<string, string>
                {
                    ["caseId"] = record.Id, ["category"] = record.Category ?? string.Empty, ["urgency"] = record.Urgency,
                    ["language"] = record.Language, ["prefecture"] = record.Prefecture ?? string.Empty,
                }, HandoffJson.Default.DictionaryStringString),
            });
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Handoff work failed; will retry.")]
    private partial void LogFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Event {Id} ({Kind}) cannot be read; set aside.")]
    private partial void LogUnreadable(Exception exception, long id, string kind);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivering case event {Id} of case {CaseId} to the worker failed; will retry.")]
    private partial void LogDeliveryFailed(Exception exception, long id, string caseId);
}
