using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Language.Myanmar;
using MigrantHelpBot.Language.Text;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>
/// The edge between a worker's phone and everything else. In: the text is cleaned (Unicode NFC,
/// stray control characters gone) and Zawgyi Burmese becomes Unicode before anything reads it, so the
/// classifier, storage and staff only ever see Unicode. Out: a worker whose phone shows Zawgyi gets
/// Burmese replies (and buttons) in Zawgyi, unless they chose Unicode.
/// </summary>
public sealed class WorkerTextMiddleware(MyanmarText myanmar) : ITurnMiddleware
{
    public async Task OnTurnAsync(ITurnContext turn, NextDelegate next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(next);
        var activity = turn.Activity;
        if (activity.Type == ActivityTypes.Message && activity.Text is { Length: > 0 } text)
        {
            var cleaned = TextNormalizer.Clean(text);
            var (unicode, wasZawgyi) = myanmar.ToUnicode(cleaned);
            // Too short to tell (a tapped button): a worker whose phone shows Zawgyi is read as writing it.
            if (!wasZawgyi && turn.UserState.TryGet(WorkerProfile.Property, out var known) && known.Script == BurmeseScript.Zawgyi
                && myanmar.ReadsAsZawgyi(cleaned, out var converted))
            {
                unicode = converted;
            }
            activity.Text = unicode;
            if (wasZawgyi)
            {
                var profile = turn.UserState.Get(WorkerProfile.Property);
                if (!profile.ScriptChosen) profile.Script = BurmeseScript.Zawgyi;
            }
        }

        await next(cancellationToken);

        if (!turn.UserState.TryGet(WorkerProfile.Property, out var reader) || reader.Script != BurmeseScript.Zawgyi || !myanmar.CanConvert) return;
        foreach (var reply in turn.Outgoing)
        {
            reply.Text = ToZawgyi(reply.Text);
            foreach (var action in reply.SuggestedActions?.Actions ?? [])
            {
                action.Title = ToZawgyi(action.Title);
                if (action.Value is { ValueKind: System.Text.Json.JsonValueKind.String } value)
                {
                    action.Value = System.Text.Json.JsonSerializer.SerializeToElement(ToZawgyi(value.GetString()), BotJsonContext.Wire.String);
                }
            }
        }
    }

    // Text already in Zawgyi (the "Zawgyi" language button) is left as it is.
    private string? ToZawgyi(string? text) => text is null || ZawgyiDetector.IsZawgyi(text) ? text : myanmar.ToZawgyi(text);
}
