using System.Globalization;
using System.Text;
using MigrantHelpBot.Bot.Schema;

namespace MigrantHelpBot.Channels.Webhooks;

/// <summary>Fitting the bot's messages into a platform's limits: text split into parts, button labels shortened.</summary>
public static class OutgoingText
{
    /// <summary>
    /// Splits <paramref name="text"/> into parts of at most <paramref name="max"/> UTF-16 units, at a line
    /// break or space where there is one, never inside a surrogate pair or a grapheme.
    /// </summary>
    public static List<string> Split(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = new List<string>();
        var rest = text;
        while (rest.Length > max)
        {
            var cut = rest.LastIndexOf('\n', max - 1, max / 2);
            if (cut <= 0) cut = rest.LastIndexOf(' ', max - 1, max / 2);
            if (cut <= 0)
            {
                // No break: cut at the last whole grapheme that fits.
                cut = 0;
                var graphemes = StringInfo.GetTextElementEnumerator(rest);
                while (graphemes.MoveNext() && graphemes.ElementIndex + graphemes.GetTextElement().Length <= max) cut = graphemes.ElementIndex + graphemes.GetTextElement().Length;
                if (cut == 0) cut = char.IsHighSurrogate(rest[max - 1]) ? max - 1 : max;
            }
            parts.Add(rest[..cut].TrimEnd());
            rest = rest[cut..].TrimStart('\n', ' ');
        }
        if (rest.Length > 0 || parts.Count == 0) parts.Add(rest);
        return parts;
    }

    /// <summary>At most <paramref name="max"/> graphemes (a shortened label ends in "…").</summary>
    public static string Label(string text, int max)
    {
        ArgumentNullException.ThrowIfNull(text);
        var info = new StringInfo(text.Trim());
        if (info.LengthInTextElements <= max) return info.String;
        return new StringBuilder(info.SubstringByTextElements(0, max - 1)).Append('…').ToString();
    }

    /// <summary>
    /// A turn's message activities as a platform shows them: each one's text in parts of at most
    /// <see cref="TextLimits.Text"/>, its suggested actions (at most <see cref="TextLimits.Buttons"/>,
    /// labels shortened, values cut) on its last part. Activities without an id get one; an activity
    /// with neither text nor buttons shows nothing.
    /// </summary>
    public static IEnumerable<MessagePart> Parts(IEnumerable<Activity> outgoing, TextLimits limits)
    {
        ArgumentNullException.ThrowIfNull(outgoing);
        ArgumentNullException.ThrowIfNull(limits);
        foreach (var activity in outgoing.Where(a => a.Type == ActivityTypes.Message))
        {
            activity.Id ??= Guid.NewGuid().ToString("N");
            var buttons = activity.SuggestedActions?.Actions?.Take(limits.Buttons).Select(a => Button(a, limits)).ToList() ?? [];
            var text = activity.Text ?? string.Empty;
            if (text.Trim().Length == 0 && buttons.Count == 0) continue;
            var parts = Split(text.Trim().Length == 0 ? "…" : text, limits.Text);
            for (var i = 0; i < parts.Count; i++)
            {
                yield return new MessagePart(activity, i, parts[i], i == parts.Count - 1 && buttons.Count > 0 ? buttons : null);
            }
        }
    }

    /// <summary>A suggested action's button: its title, shortened, and what a tap sends back (the value the dialog reads).</summary>
    private static QuickButton Button(CardAction action, TextLimits limits)
    {
        var title = action.Title ?? action.Value?.ToString() ?? string.Empty;
        var value = action.Value is { ValueKind: System.Text.Json.JsonValueKind.String } v ? v.GetString() ?? title : title;
        return new QuickButton(Label(title, limits.Label), value.Length > limits.Value ? value[..limits.Value] : value);
    }
}

/// <summary>A platform's limits: characters (UTF-16 units) per text, buttons per message, characters per label and per value sent back.</summary>
public sealed record TextLimits(int Text, int Buttons, int Label, int Value);

public sealed record QuickButton(string Label, string Value);

/// <summary>Part <see cref="Index"/> of <see cref="Activity"/>'s text, with its buttons if it is the last part.</summary>
public sealed record MessagePart(Activity Activity, int Index, string Text, IReadOnlyList<QuickButton>? Buttons);
