using MigrantHelpBot.Dialogs.Locales;

namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>
/// The global commands a worker can give at any point, in any language: each is its button label
/// (<c>commands.{name}.label</c>) or one of its words (<c>input.commands.{name}</c>) in any locale.
/// </summary>
public sealed class Commands
{
    public static readonly IReadOnlyList<string> Names = ["help", "restart", "language", "human", "delete", "stop"];

    private readonly Dictionary<string, string> _words = new(StringComparer.Ordinal);

    public Commands(LocaleCatalog locales)
    {
        ArgumentNullException.ThrowIfNull(locales);
        foreach (var name in Names)
        {
            foreach (var language in locales.AllLanguages)
            {
                foreach (var word in locales.Words(language, $"commands.{name}.label").Concat(locales.Words(language, $"input.commands.{name}")))
                {
                    _words.TryAdd(word, name);
                }
            }
        }
    }

    /// <summary>The command a message is, or null.</summary>
    public string? Match(string text)
    {
        var said = LocaleCatalog.Normalize(text).TrimEnd('.', '!', '?', '。', '！', '？', '។', '။');
        if (said.StartsWith('/')) said = said[1..];
        return _words.GetValueOrDefault(said);
    }
}
