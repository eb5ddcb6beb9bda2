namespace MigrantHelpBot.Translation;

/// <summary>
/// Our language ids and Azure Translator's: Tagalog is Filipino (<c>fil</c>) there; Vietnamese,
/// Khmer, Burmese, Japanese and English have the same ids.
/// </summary>
public static class TranslatorLanguages
{
    public static string ToService(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var id = language.Split('-', '_')[0].ToLowerInvariant();
        return id == "tl" ? "fil" : id;
    }

    public static string FromService(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        var id = language.ToLowerInvariant();
        return id is "fil" or "tl" ? "tl" : id;
    }
}
