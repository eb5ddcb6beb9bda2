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

    /// <summary>A suggested action's button title, and what a tap sends back (the value the dialog reads).</summary>
    public static (string Title, string Value) Button(CardAction action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var title = action.Title ?? action.Value?.ToString() ?? string.Empty;
        var value = action.Value is { ValueKind: System.Text.Json.JsonValueKind.String } v ? v.GetString() ?? title : title;
        return (title, value);
    }
}
