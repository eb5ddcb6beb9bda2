using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Engine;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Handoff.Cases;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Handoff.Relay;

/// <summary>
/// The handoff router in the turn pipeline. While a person holds the worker's case, the worker's
/// messages go to the case and the bot stays silent, except for global commands ("stop" and
/// "start over" end the conversation with the person; "help" and "language" still work) and danger:
/// a message that reads as an emergency is relayed AND answered by the emergency path. While the case
/// waits for a person, messages are added to it too. Also accepts <c>handoff.status</c> from an
/// external agent hub. Everything it records commits with the turn, so nothing is lost or doubled.
/// </summary>
public sealed class HandoffMiddleware(LocaleCatalog locales, Commands commands, TriageClassifier classifier, TimeProvider clock) : ITurnMiddleware
{
    public const string WorkerMessageKind = "case.worker_message";
    public const string WorkerEndedKind = "case.worker_ended";
    public const string HubStatusKind = "case.hub_status";

    /// <summary>Channels whose inbound activities come from workers' own clients: a hub cannot speak for them.</summary>
    private static readonly HashSet<string> WorkerChannels = ["directline", "webchat"];

    public async Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turn.Activity;
        if (activity.Type == ActivityTypes.Event && activity.Name == "handoff.status")
        {
            HubStatus(turn);
            return;
        }
        if (activity.Type == ActivityTypes.Message && string.IsNullOrWhiteSpace(activity.Text) && activity.Attachments is { Count: > 0 } attachments
            && turn.ConversationState.TryGet(HandoffState.Property, out var waiting) && waiting.CaseId is not null)
        {
            // A photo or sticker: the case notes that one came (the content is not kept); the bot asks for words.
            Relay(turn, waiting, string.Empty, emergency: false, attachments[0].ContentType ?? "file");
            await next(cancellationToken);
            return;
        }
        if (activity.Type != ActivityTypes.Message || activity.Text is not { Length: > 0 } text
            || !turn.ConversationState.TryGet(HandoffState.Property, out var handoff) || handoff.CaseId is null)
        {
            await next(cancellationToken);
            return;
        }

        var language = handoff.Language ?? locales.Fallback;
        var command = commands.Match(text);
        var emergency = command is null && TurnTriage.Classify(turn, classifier, text).Emergency;
        if (handoff.Status == HandoffState.Held)
        {
            switch (command)
            {
                case "stop" or "restart" or "delete":
                    turn.Record(new DomainEvent(WorkerEndedKind, StateKeys.Conversation(activity), JsonSerializer.Serialize(new Dictionary<string, string> { ["caseId"] = handoff.CaseId })));
                    turn.ConversationState.Remove(HandoffState.Property.Name);
                    Say(turn, language, "handoff.ended", new Dictionary<string, string> { ["human"] = locales.Text(language, "commands.human.label") });
                    if (command != "stop") await next(cancellationToken);
                    return;
                case "human":
                    Say(turn, language, "handoff.already_held");
                    return;
                case "help" or "language":
                    await next(cancellationToken);
                    return;
            }
            Relay(turn, handoff, text, emergency);
            // Danger now is answered at once (110/119), whoever holds the case; otherwise the person answers.
            if (emergency) await next(cancellationToken);
            return;
        }

        // Waiting for a person.
        if (command == "human")
        {
            Say(turn, language, "handoff.already_waiting");
            return;
        }
        if (command is not null)
        {
            await next(cancellationToken);
            return;
        }
        Relay(turn, handoff, text, emergency);
        var inDialog = turn.ConversationState.TryGet(DialogState.Property, out var dialog) && dialog.Stack.Count > 0;
        if (inDialog || emergency)
        {
            await next(cancellationToken);
            return;
        }
        Say(turn, language, "handoff.added_to_case");
    }

    private void Relay(ITurnContext turn, HandoffState handoff, string text, bool emergency, string? attachment = null)
    {
        var message = new WorkerMessage(handoff.CaseId, text, clock.GetUtcNow(), emergency, attachment);
        turn.Record(new DomainEvent(WorkerMessageKind, StateKeys.Conversation(turn.Activity), JsonSerializer.Serialize(message, HandoffJson.Default.WorkerMessage)));
    }

    private void Say(ITurnContext turn, string language, string key, IReadOnlyDictionary<string, string>? values = null) =>
        turn.Send(new Activity { Type = ActivityTypes.Message, Text = locales.Text(language, key, values), Locale = language });

    private static void HubStatus(ITurnContext turn)
    {
        var activity = turn.Activity;
        // A worker's own client could otherwise close or take over their case.
        if (WorkerChannels.Contains(activity.ChannelId ?? string.Empty)) return;
        if (activity.Value is not { ValueKind: JsonValueKind.Object } value) return;
        var state = value.TryGetProperty("state", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        if (state is not ("accepted" or "completed" or "failed")) return;
        var message = value.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
        var payload = new Dictionary<string, string> { ["state"] = state };
        if (message is not null) payload["message"] = message.Length > 500 ? message[..500] : message;
        turn.Record(new DomainEvent(HubStatusKind, StateKeys.Conversation(activity), JsonSerializer.Serialize(payload)));
    }
}

[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[System.Text.Json.Serialization.JsonSerializable(typeof(Cases.WorkerMessage))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, bool>))]
internal sealed partial class HandoffJson : System.Text.Json.Serialization.JsonSerializerContext;
