using Microsoft.Extensions.Logging;
using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Data;
using MigrantHelpBot.Dialogs.Flows;
using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>
/// The bot: runs the flows in dialogs/ with the texts in locales/. A global command or a message
/// that reads as danger interrupts whatever flow is running; the interrupted question is asked
/// again afterwards. The dialog stack and answers live in conversation state.
/// </summary>
public sealed partial class DialogEngine(
    FlowCatalog flows,
    LocaleCatalog locales,
    TriageClassifier classifier,
    Prefectures prefectures,
    MinimumWages wages,
    MyanmarText myanmar,
    Commands commands,
    TimeProvider clock,
    ILogger<DialogEngine> logger) : IBot
{
    /// <summary>Most steps one turn may run; more means a loop in the flows.</summary>
    public const int MaxStepsPerTurn = 200;

    private readonly PromptReader _reader = new(locales, prefectures);

    internal FlowCatalog Flows => flows;
    internal LocaleCatalog Locales => locales;
    internal TriageClassifier Classifier => classifier;
    internal Prefectures Prefectures => prefectures;
    internal MinimumWages Wages => wages;
    internal MyanmarText Myanmar => myanmar;
    internal TimeProvider Clock => clock;
    internal Commands Commands => commands;
    internal PromptReader Reader => _reader;

    public Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        var run = new DialogRun(this, turn);
        switch (activity.Type)
        {
            case ActivityTypes.ConversationUpdate when activity.MembersAdded?.Any(m => m.Id != activity.Recipient?.Id) == true:
                run.Start();
                break;
            case ActivityTypes.Message:
                var text = activity.Text ?? (activity.Value?.ValueKind == System.Text.Json.JsonValueKind.String ? activity.Value.Value.GetString() : null) ?? string.Empty;
                if (text.Trim().Length > 0) run.OnMessage(text);
                else if (activity.Attachments is { Count: > 0 }) run.OnNotText(); // a photo, sticker or voice message (LINE, Messenger)
                break;
        }
        return Task.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dialog ran {Steps} steps in one turn; the flows loop. The conversation was reset.")]
    internal partial void LogLoop(int steps);

    [LoggerMessage(Level = LogLevel.Information, Message = "A conversation was paused in flow {Flow} at a step the new version no longer has; it restarts that flow.")]
    internal partial void LogFlowChanged(string flow);
}
