using MigrantHelpBot.Bot.Schema;
using MigrantHelpBot.Bot.Turns;
using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Dialogs.Welcome;

/// <summary>
/// The small dialog that proves the path end to end until the consultation flows land: greet,
/// offer the languages as suggested actions, then answer in the chosen one.
/// </summary>
public sealed class WelcomeBot(LocaleCatalog locales) : IBot
{
    /// <summary>Typed by someone who wants the language menu back (besides each language's button label).</summary>
    private const string LanguageCommand = "language";

    public Task OnTurnAsync(ITurnContext turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        switch (activity.Type)
        {
            case ActivityTypes.ConversationUpdate when activity.MembersAdded?.Any(m => m.Id != activity.Recipient?.Id) == true:
                OfferLanguages(turn);
                break;
            case ActivityTypes.Message:
                OnMessage(turn, activity.Text ?? activity.Value?.ToString() ?? string.Empty);
                break;
        }
        return Task.CompletedTask;
    }

    private void OnMessage(ITurnContext turn, string text)
    {
        var profile = turn.UserState.Get(WorkerProfile.Property);
        var progress = turn.ConversationState.Get(WelcomeProgress.Property);
        var said = LocaleCatalog.Normalize(text);

        if (progress.Step == WelcomeStep.ChoosingLanguage || profile.Language is null)
        {
            if (MatchLanguage(said) is { } chosen)
            {
                profile.Language = chosen;
                progress.Step = WelcomeStep.Chatting;
                progress.Messages = 0;
                // Emergency numbers come straight away: someone in danger may never write a second message.
                Say(turn, chosen, locales.Text(chosen, "welcome.chosen"), locales.Text(chosen, "welcome.trial"),
                    locales.Text(chosen, "safety.emergency"), locales.Text(chosen, "welcome.ask"));
            }
            else
            {
                OfferLanguages(turn);
            }
            return;
        }

        if (IsLanguageCommand(said))
        {
            progress.Step = WelcomeStep.ChoosingLanguage;
            OfferLanguages(turn);
            return;
        }

        if (MatchLanguage(said) is { } switched)
        {
            profile.Language = switched;
            Say(turn, switched, locales.Text(switched, "welcome.chosen"));
            return;
        }

        progress.Messages++;
        var language = profile.Language;
        Say(turn, language, locales.Text(language, "welcome.received"), locales.Text(language, "safety.emergency"));
    }

    /// <summary>The greeting in every language, the worker's likely language first, with a button per language.</summary>
    private void OfferLanguages(ITurnContext turn)
    {
        var likely = turn.UserState.TryGet(WorkerProfile.Property, out var profile) && profile.Language is { } known
            ? known
            : locales.MatchLocale(turn.Activity.Locale);
        var order = likely is null ? locales.Languages : [likely, .. locales.Languages.Where(l => l != likely)];
        var greeting = turn.Activity.CreateReply(locales.InEveryLanguage("welcome.choose", likely));
        greeting.Locale = null;
        greeting.InputHint = InputHints.ExpectingInput;
        greeting.SuggestedActions = new SuggestedActions
        {
            Actions = [.. order.Select(l => CardAction.ImBack(locales.Text(l, "language.name"), locales.Text(l, "language.name")))],
        };
        turn.Send(greeting);
    }

    private void Say(ITurnContext turn, string language, params string[] lines)
    {
        for (var i = 0; i < lines.Length; i++)
        {
            var reply = turn.Activity.CreateReply(lines[i], language);
            if (i == lines.Length - 1)
            {
                var label = locales.Text(language, "welcome.change_language");
                reply.SuggestedActions = new SuggestedActions { Actions = [CardAction.ImBack(label, label)] };
            }
            turn.Send(reply);
        }
    }

    private string? MatchLanguage(string said)
    {
        foreach (var language in locales.Languages)
        {
            if (said == language || said == LocaleCatalog.Normalize(locales.Text(language, "language.name"))) return language;
        }
        return null;
    }

    private bool IsLanguageCommand(string said) =>
        said == LanguageCommand || locales.Languages.Any(l => said == LocaleCatalog.Normalize(locales.Text(l, "welcome.change_language")));
}
