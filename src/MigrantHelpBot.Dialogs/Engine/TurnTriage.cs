using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Language.Triage;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>
/// The classifier's reading of a turn's message, computed once per turn and shared by everything in
/// the pipeline that needs it (the handoff router, the dialog), always with the same language hint.
/// </summary>
public static class TurnTriage
{
    public static TriageResult Classify(ITurnContext turn, TriageClassifier classifier, string text)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(classifier);
        var key = new Key(text);
        if (turn.Items.TryGetValue(key, out var cached) && cached is TriageResult result) return result;
        // The worker's chosen or detected language, else the channel's locale.
        var hint = turn.UserState.TryGet(WorkerProfile.Property, out var profile) && profile.Language is { } language ? language : turn.Activity.Locale;
        result = classifier.Classify(text, hint);
        turn.Items[key] = result;
        return result;
    }

    private sealed record Key(string Text);
}
