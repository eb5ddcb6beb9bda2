using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>When a turn fails, say so kindly in the worker's language (or in every language if we do not know it yet), with the emergency numbers.</summary>
public sealed class PoliteErrorHandler(LocaleCatalog locales) : ITurnErrorHandler
{
    public Task OnTurnErrorAsync(ITurnContext turn, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.Activity.Type is not (Bot.Schema.ActivityTypes.Message or Bot.Schema.ActivityTypes.ConversationUpdate)) return Task.CompletedTask;

        var language = turn.UserState.TryGet(WorkerProfile.Property, out var profile) && locales.Supports(profile.Language)
            ? profile.Language
            : locales.MatchLocale(turn.Activity.Locale);
        // The failure may hit someone in danger: the emergency numbers go with the apology.
        foreach (var key in new[] { "errors.turn_failed", "safety.emergency" })
        {
            var text = language is null ? locales.InEveryLanguage(key) : locales.Text(language, key);
            turn.Send(turn.Activity.CreateReply(text, language));
        }
        return Task.CompletedTask;
    }
}
