using System.Globalization;
using System.Text;
using System.Text.Json;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.State;
using MigrantHelpBot.Bot.Storage;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>One turn of the dialog: reads the message, moves through the flows, sends what they say.</summary>
internal sealed class DialogRun
{
    private const int MaxDepth = 16;
    private const int MaxAttempts = 3;
    private readonly DialogEngine _engine;
    private readonly ITurnContext _turn;
    private readonly DialogState _state;
    private readonly WorkerProfile _profile;
    private Frame? _prompted;
    private bool _erased;
    private bool _toldFlowChanged;
    private TriageResult? _triage;

    public DialogRun(DialogEngine engine, ITurnContext turn)
    {
        _engine = engine;
        _turn = turn;
        _state = turn.ConversationState.Get(DialogState.Property);
        _profile = turn.UserState.Get(WorkerProfile.Property);
        if (_profile.Language is { } language) _state.Slots["language"] = language;
    }

    private List<Frame> Stack => _state.Stack;
    private Frame? Top => Stack.Count > 0 ? Stack[^1] : null;
    private Dictionary<string, string> Slots => _state.Slots;

    /// <summary>The worker's language: chosen or detected, else the channel's hint, else the fallback.</summary>
    private string Language => _profile.Language ?? _engine.Locales.MatchLocale(_turn.Activity.Locale) ?? _engine.Locales.Fallback;

    /// <summary>The conversation opened (Direct Line, a LINE follow): greet first.</summary>
    public void Start()
    {
        Repair();
        if (Stack.Count == 0) Push(FlowCatalog.Main);
        Run();
    }

    /// <summary>A photo, sticker or voice message: the bot reads only words, and says so (the dialog waits where it was).</summary>
    public void OnNotText() => Say("retry.not_text");

    public void OnMessage(string text)
    {
        Repair();
        _triage = TurnTriage.Classify(_turn, _engine.Classifier, text);

        // A global command, unless the message reads as danger ("saklolo!" is a cry for help, not the help menu).
        if (!_triage.Emergency && _engine.Commands.Match(text) is { } command)
        {
            Interrupt(FlowCatalog.CommandPrefix + command);
            Run();
            return;
        }

        PreselectLanguage(_triage);

        if (Top is { Waiting: true } top && StepOf(top) is { Kind: StepKind.Ask } step)
        {
            Answer(top, step, text);
        }
        else if (Stack.Count == 0)
        {
            // A new (or finished) conversation: the first message may name a language ("Tagalog"),
            // or already tell the story.
            Slots.Remove("first_message");
            if (!_profile.LanguageChosen && _engine.Reader.ReadLanguage(text) is { } language) ChooseLanguage(language);
            else if (_triage.Category is not null) Slots["first_message"] = _triage.NormalizedText;
            Push(FlowCatalog.Main);
        }

        // Danger comes before any question, whatever is running.
        if (_triage.Emergency && !InFlow(FlowCatalog.Emergency)) StartEmergency(_triage);
        Run();
    }

    private void Answer(Frame frame, Step step, string text)
    {
        var answer = _engine.Reader.Read(step, text);
        if (answer.Understood)
        {
            if (answer.Skipped)
            {
                Slots.Remove(step.Store!);
            }
            else if (answer.FreeText is not null)
            {
                Slots.Remove(step.Store!);
                Slots[step.FreeText!] = _triage?.NormalizedText ?? answer.FreeText;
            }
            else
            {
                Store(step, answer.Value!);
            }
            Advance(frame, step.Next);
            return;
        }

        if (_triage is { Emergency: true }) return; // not a failed answer: the emergency path answers it, then we ask again
        if (step.Prompt == PromptKind.Language && WroteInALanguage() is { } written)
        {
            // No button pressed, but they wrote to us in their language: that is the answer, and
            // what they wrote may already be their story.
            Slots[step.Store!] = ChooseLanguage(written, byButton: false);
            if (_triage!.Category is not null) Slots["first_message"] = _triage.NormalizedText;
            Advance(frame, step.Next);
            return;
        }
        frame.Attempts++;
        if (frame.Attempts >= MaxAttempts && step.Skippable)
        {
            Say("common.moving_on");
            Advance(frame, step.Next);
            return;
        }
        Say(RetryKey(step));
        Prompt(frame, step);
    }

    private void Store(Step step, string value)
    {
        if (step.Prompt == PromptKind.Language)
        {
            Slots[step.Store!] = ChooseLanguage(value);
            return;
        }
        Slots[step.Store!] = value;
    }

    /// <summary>
    /// The language a message is plainly written in: by its script (Khmer, Burmese), or a stated
    /// problem in a language the classifier recognised. Null when a guess would be unkind.
    /// </summary>
    private string? WroteInALanguage() =>
        _triage is { Language: { } language } triage && _engine.Locales.Supports(language)
        && (triage.Category is not null || triage.Signals.Any(s => s.Contains("script", StringComparison.Ordinal)))
            ? language : null;

    /// <summary>The worker picked a language (and, by button, for Burmese the script they read; otherwise the script they wrote in stays).</summary>
    private string ChooseLanguage(string value, bool byButton = true)
    {
        var zawgyi = value == PromptReader.ZawgyiOption;
        var language = zawgyi ? "my" : value;
        _profile.Language = language;
        _profile.LanguageChosen = true;
        if (language == "my" && byButton)
        {
            _profile.Script = zawgyi ? BurmeseScript.Zawgyi : BurmeseScript.Unicode;
            _profile.ScriptChosen = true;
        }
        Slots["language"] = language;
        return language;
    }

    /// <summary>Runs steps until a question waits for an answer, or nothing is left to run.</summary>
    private void Run()
    {
        for (var steps = 1; Stack.Count > 0 && !_erased; steps++)
        {
            if (steps > DialogEngine.MaxStepsPerTurn || Stack.Count > MaxDepth)
            {
                _engine.LogLoop(steps);
                Stack.Clear();
                Say("system.loop_error");
                return;
            }

            var frame = Top!;
            if (frame.Step.Length == 0)
            {
                Stack.RemoveAt(Stack.Count - 1);
                continue;
            }
            var step = StepOf(frame)!;
            if (frame.Waiting)
            {
                // Back from an interruption (a command, the emergency path): ask the question again.
                if (!ReferenceEquals(_prompted, frame)) Prompt(frame, step);
                return;
            }

            switch (step.Kind)
            {
                case StepKind.Say:
                    foreach (var item in step.Say) Say(item.Key, item.Facts);
                    Advance(frame, step.Next);
                    break;
                case StepKind.Ask:
                    Prompt(frame, step);
                    return;
                case StepKind.If:
                    Advance(frame, step.Branches.FirstOrDefault(b => b.When.Holds(Slots)).Next ?? step.Else);
                    break;
                case StepKind.Call:
                    Advance(frame, step.Next);
                    Push(step.Flow!);
                    break;
                case StepKind.Jump:
                    Stack.RemoveAt(Stack.Count - 1);
                    Push(step.Flow!);
                    break;
                case StepKind.Action:
                    Advance(frame, step.Next);
                    RunAction(step.Action!, step.Args);
                    break;
                default:
                    Stack.RemoveAt(Stack.Count - 1);
                    break;
            }
        }
    }

    private void Prompt(Frame frame, Step step)
    {
        frame.Waiting = true;
        _prompted = frame;
        var locales = _engine.Locales;
        var buttons = new List<string>();
        Activity reply;
        if (step.Prompt == PromptKind.Language)
        {
            var likely = _profile.Language ?? locales.MatchLocale(_turn.Activity.Locale) ?? (_triage?.Language is { } detected && locales.Supports(detected) ? detected : null);
            var order = likely is null ? locales.Languages : [likely, .. locales.Languages.Where(l => l != likely)];
            foreach (var language in order)
            {
                buttons.Add(locales.Text(language, "language.name"));
                // Burmese readers whose phones show Zawgyi pick the Zawgyi button: it is written in Zawgyi, so they can read it.
                if (language == "my" && _engine.Myanmar.CanConvert) buttons.Add(_engine.Myanmar.ToZawgyi(locales.Text("my", "language.name")) + " (Zawgyi)");
            }
            reply = _turn.Activity.CreateReply(locales.InEveryLanguage(step.Text!, likely));
            reply.Locale = null;
        }
        else
        {
            reply = _turn.Activity.CreateReply(Render(step.Text!), Language);
            if (step.Prompt == PromptKind.Choice) buttons.AddRange(step.Options.Select(o => Render(o.Label)));
            if (step.Prompt == PromptKind.YesNo) buttons.AddRange([Render("common.yes"), Render("common.no")]);
        }
        if (step.Skippable) buttons.Add(Render("common.skip"));
        reply.InputHint = InputHints.ExpectingInput;
        if (buttons.Count > 0) reply.SuggestedActions = new SuggestedActions { Actions = [.. buttons.Take(13).Select(b => CardAction.ImBack(b, b))] };
        _turn.Send(reply);
    }

    private static string RetryKey(Step step) => step.Prompt switch
    {
        PromptKind.YesNo => "retry.yesno",
        PromptKind.Choice => "retry.choice",
        PromptKind.Number => "retry.number",
        PromptKind.Prefecture => "retry.prefecture",
        PromptKind.Language => "retry.language",
        _ => "retry.text",
    };

    private void Say(string key, IReadOnlyList<string>? facts = null)
    {
        var text = new StringBuilder(Render(key));
        foreach (var id in facts ?? [])
        {
            var fact = _engine.Locales.Facts[id];
            text.Append('\n').Append(_engine.Locales.Text(Language, "common.source_line", new Dictionary<string, string>
            {
                ["source"] = fact.Source,
                ["checked"] = fact.LastVerified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }));
        }
        Send(text.ToString());
    }

    private void Send(string text)
    {
        // Messenger's limit is 2,000 characters; split at a line break when a message (a summary) is longer.
        const int Limit = 2000;
        while (text.Length > Limit)
        {
            var cut = text.LastIndexOf('\n', Limit - 1);
            if (cut <= 0) cut = Limit;
            _turn.Send(_turn.Activity.CreateReply(text[..cut], Language));
            text = text[cut..].TrimStart('\n');
        }
        _turn.Send(_turn.Activity.CreateReply(text, Language));
    }

    private string Render(string key) => _engine.Locales.Text(Language, key, name => Slots.GetValueOrDefault(name));

    private static void Advance(Frame frame, string? next)
    {
        frame.Waiting = false;
        frame.Attempts = 0;
        frame.Step = next ?? string.Empty;
    }

    private void Push(string flowId)
    {
        var flow = _engine.Flows.Find(flowId) ?? throw new InvalidOperationException($"There is no flow '{flowId}'.");
        Stack.Add(new Frame { Flow = flow.Id, Version = flow.Version, Step = flow.Start });
    }

    /// <summary>Runs a flow on top of whatever is running; what was running continues after it.</summary>
    private void Interrupt(string flowId)
    {
        if (_engine.Flows.Find(flowId) is null) return;
        Push(flowId);
    }

    private bool InFlow(string flowId) => Stack.Any(f => f.Flow == flowId);

    private Step? StepOf(Frame frame) => _engine.Flows.Find(frame.Flow)?.Steps.GetValueOrDefault(frame.Step);

    private void StartEmergency(TriageResult triage)
    {
        Slots["emergency"] = "yes";
        Slots["emergency_kind"] = triage.EmergencyKind ?? "danger_now";
        Interrupt(FlowCatalog.Emergency);
    }

    /// <summary>With no language yet, a message that clearly is in one of ours chooses it (the worker can change it any time).</summary>
    private void PreselectLanguage(TriageResult triage)
    {
        if (_profile.Language is not null || triage.Language is not { } language || !_engine.Locales.Supports(language)) return;
        if (triage.Category is null && triage.Signals.All(s => !s.Contains("script", StringComparison.Ordinal))) return;
        _profile.Language = language;
        Slots["language"] = language;
    }

    /// <summary>
    /// Makes the stack fit the flows deployed now: a flow that no longer exists is dropped; a step
    /// that no longer exists resumes at its renamed step, or the flow restarts (with a word to the worker).
    /// </summary>
    private void Repair()
    {
        for (var i = 0; i < Stack.Count; i++)
        {
            var frame = Stack[i];
            var flow = _engine.Flows.Find(frame.Flow);
            if (flow is null)
            {
                // The flow is gone: drop it (and what it called), and start its caller over.
                Stack.RemoveRange(i, Stack.Count - i);
                if (Top is { } caller && _engine.Flows.Find(caller.Flow) is { } callerFlow)
                {
                    caller.Step = callerFlow.Start;
                    caller.Waiting = false;
                    caller.Attempts = 0;
                }
                TellFlowChanged(frame.Flow);
                break;
            }
            var valid = frame.Step.Length == 0 || flow.Steps.ContainsKey(frame.Step);
            if (flow.Version == frame.Version && valid) continue;
            frame.Version = flow.Version;
            if (valid) continue;
            if (flow.Renamed.TryGetValue(frame.Step, out var renamed))
            {
                frame.Step = renamed; // the same question under a new name: still waiting for its answer
            }
            else
            {
                frame.Step = flow.Start;
                frame.Waiting = false;
                frame.Attempts = 0;
                TellFlowChanged(flow.Id);
            }
        }
        if (Top is { Waiting: true } top && StepOf(top) is not { Kind: StepKind.Ask }) top.Waiting = false;
    }

    private void TellFlowChanged(string flow)
    {
        _engine.LogFlowChanged(flow);
        if (_toldFlowChanged) return;
        _toldFlowChanged = true;
        Say("system.flow_changed");
    }

    private void RunAction(string action, IReadOnlyDictionary<string, string> args)
    {
        switch (action)
        {
            case "classify":
                Classify(args.GetValueOrDefault("from", "story"));
                break;
            case "set":
                var value = args.TryGetValue("value", out var literal) ? literal : Slots.GetValueOrDefault(args.GetValueOrDefault("from", string.Empty));
                if (value is null) Slots.Remove(args["slot"]);
                else Slots[args["slot"]] = value;
                break;
            case "clear":
                foreach (var slot in args["slots"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)) Slots.Remove(slot);
                break;
            case "minimum_wage":
                MinimumWage();
                break;
            case "summary":
                Summary(args);
                break;
            case "submit_intake":
                SubmitIntake(args);
                break;
            case "handoff":
                Handoff(args);
                break;
            case "note":
                Record("case.note", new Dictionary<string, string> { ["text"] = Slots.GetValueOrDefault(args.GetValueOrDefault("from", "note")) ?? string.Empty });
                break;
            case "reset":
                Reset(args);
                break;
            case "erase_data":
                Erase(args);
                break;
            default:
                throw new InvalidOperationException($"Unknown action '{action}'.");
        }
    }

    /// <summary>The actions flows may run (the validator checks flows name only these).</summary>
    public static readonly IReadOnlyList<string> Actions = ["classify", "set", "clear", "minimum_wage", "summary", "submit_intake", "handoff", "note", "reset", "erase_data"];

    private void Classify(string from)
    {
        if (!Slots.TryGetValue(from, out var text)) return;
        var result = _triage is not null && _triage.NormalizedText == text ? _triage : _engine.Classifier.Classify(text, Language);
        if (result.Category is { } category && category != "other") Slots["proposed_category"] = category;
        else Slots.Remove("proposed_category");
        Slots["triage_confidence"] = result.Confidence.ToString("0.00", CultureInfo.InvariantCulture);
        if (result.Emergency && !InFlow(FlowCatalog.Emergency)) StartEmergency(result);
    }

    private void MinimumWage()
    {
        var today = DateOnly.FromDateTime(_engine.Clock.GetUtcNow().UtcDateTime);
        var wages = _engine.Wages;
        Slots["min_wage_source"] = wages.Source;
        Slots["min_wage_checked"] = wages.LastVerified.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        if (wages.Lowest(today) is { } lowest) Slots["lowest_wage_yen"] = lowest.Yen.ToString(CultureInfo.InvariantCulture); // grouped when shown
        if (Slots.TryGetValue("prefecture", out var id) && wages.InForce(id, today) is { } wage && _engine.Prefectures.Find(id) is { } prefecture)
        {
            Slots["min_wage_yen"] = wage.Yen.ToString(CultureInfo.InvariantCulture);
            // The pay self-check (R14): only a hint that something may be wrong, never a ruling.
            if (Slots.TryGetValue("hourly_pay", out var pay) && int.TryParse(pay, NumberStyles.None, CultureInfo.InvariantCulture, out var yen))
            {
                Slots["below_minimum"] = yen < wage.Yen ? "yes" : "no";
            }
            Slots["min_wage_from"] = wage.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            Slots["prefecture_name"] = prefecture.Display;
        }
        else
        {
            Slots.Remove("min_wage_yen");
            Slots.Remove("min_wage_from");
            Slots.Remove("below_minimum");
        }
    }

    private void Summary(IReadOnlyDictionary<string, string> args)
    {
        var text = new StringBuilder(Render(args.GetValueOrDefault("intro", "summary.intro")));
        foreach (var field in args["fields"].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Slots.TryGetValue(field, out var value) || !_engine.Locales.Has(Language, $"summary.field.{field}")) continue;
            text.Append('\n').Append("• ").Append(Render($"summary.field.{field}")).Append(": ").Append(ShowValue(field, value));
        }
        Send(text.ToString());
    }

    /// <summary>A stored answer as the worker should read it: a choice by its label, a prefecture by name, long text shortened.</summary>
    private string ShowValue(string slot, string value)
    {
        if (slot is "category" or "proposed_category") return Render($"category.{value}");
        if (slot == "prefecture" && _engine.Prefectures.Find(value) is { } prefecture) return prefecture.Display;
        if (_engine.Flows.OptionLabels.TryGetValue(slot, out var labels) && labels.TryGetValue(value, out var label)) return Render(label);
        if (value is "yes" or "no") return Render($"common.{value}");
        return value.Length > 200 ? value[..200] + "…" : value;
    }

    private string Urgency() =>
        Slots.GetValueOrDefault("emergency") == "yes" ? "P0"
        : Slots.GetValueOrDefault("category") is "forced_return" or "pregnancy" or "violence_harassment" or "runaway_risk" or "injury_illness"
          || Slots.GetValueOrDefault("safe") is "no" or "unsure" ? "P1"
        : "P2";

    private void SubmitIntake(IReadOnlyDictionary<string, string> args)
    {
        var now = _engine.Clock.GetUtcNow();
        var intake = new CaseIntake
        {
            Conversation = ConversationKey,
            ChannelId = _turn.Activity.ChannelId ?? string.Empty,
            UserId = _turn.Activity.From?.Id,
            Language = Language,
            Script = Language == "my" ? (_profile.Script ?? BurmeseScript.Unicode).ToString().ToLowerInvariant() : null,
            Category = Slots.GetValueOrDefault("category"),
            Emergency = Slots.GetValueOrDefault("emergency") == "yes",
            EmergencyKind = Slots.GetValueOrDefault("emergency_kind"),
            Urgency = Urgency(),
            Prefecture = Slots.GetValueOrDefault("prefecture"),
            Answers = new Dictionary<string, string>(Slots, StringComparer.Ordinal),
            Consent = new ConsentRecord { ShareWithOrganisation = true, At = now, Notice = args.GetValueOrDefault("notice", "summary.share_ask") },
            CreatedAt = now,
        };
        _turn.Record(new DomainEvent(CaseIntake.EventKind, ConversationKey, JsonSerializer.Serialize(intake, IntakeJsonContext.Default.CaseIntake)));
        Slots["case_submitted"] = "yes";
    }

    private void Handoff(IReadOnlyDictionary<string, string> args)
    {
        var consent = args.TryGetValue("consent", out var consentSlot) && Slots.GetValueOrDefault(consentSlot) == "yes";
        var request = new HandoffRequest
        {
            Conversation = ConversationKey,
            Urgency = args.GetValueOrDefault("urgency") == "emergency" ? "P0" : Urgency(),
            Reason = args.GetValueOrDefault("reason", "requested"),
            Language = Language,
            EmergencyKind = Slots.GetValueOrDefault("emergency_kind"),
            ConsentToShare = consent,
            // Without consent the request carries nothing but that a person is needed, and the language.
            Answers = consent ? new Dictionary<string, string>(Slots, StringComparer.Ordinal) : new Dictionary<string, string>(),
            CreatedAt = _engine.Clock.GetUtcNow(),
        };
        _turn.Record(new DomainEvent(HandoffRequest.EventKind, ConversationKey, JsonSerializer.Serialize(request, IntakeJsonContext.Default.HandoffRequest)));
        Slots["handoff_requested"] = "yes";
    }

    private void Record(string kind, Dictionary<string, string> payload) =>
        _turn.Record(new DomainEvent(kind, ConversationKey, JsonSerializer.Serialize(payload)));

    private void Reset(IReadOnlyDictionary<string, string> args)
    {
        Stack.Clear();
        if (args.GetValueOrDefault("slots") == "all")
        {
            var language = Slots.GetValueOrDefault("language");
            var consent = Slots.GetValueOrDefault("consent_continue");
            Slots.Clear();
            if (language is not null) Slots["language"] = language;
            if (consent is not null && args.GetValueOrDefault("keep_consent") == "yes") Slots["consent_continue"] = consent;
        }
        if (args.TryGetValue("then", out var then)) Push(then);
    }

    /// <summary>"Delete my data": state, profile, the conversation's log and events go in this turn's commit; only the goodbye is sent.</summary>
    private void Erase(IReadOnlyDictionary<string, string> args)
    {
        var goodbye = Render(args.GetValueOrDefault("say", "delete.done"));
        Stack.Clear();
        _turn.ConversationState.Clear();
        _turn.UserState.Clear();
        _turn.EraseConversationData();
        // Committed after the erasure: the handoff closes the worker's cases, tells the organisation and purges its copy.
        _turn.Record(new DomainEvent(CaseIntake.ErasedKind, ConversationKey, "{}"));
        _erased = true;
        Send(goodbye);
    }

    private string ConversationKey => StateKeys.Conversation(_turn.Activity);
}
