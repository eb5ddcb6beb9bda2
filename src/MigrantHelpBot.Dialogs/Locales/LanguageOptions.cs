namespace MigrantHelpBot.Dialogs.Locales;

/// <summary>Configuration section <c>Languages</c>: which worker languages the bot offers, in order.</summary>
public sealed class LanguageOptions
{
    public const string Section = "Languages";

    /// <summary>Language codes with a file in locales/, in the order they are offered.</summary>
    public List<string> Supported { get; set; } = [];

    /// <summary>Used when nothing tells us the worker's language and a single language must be picked.</summary>
    public string Fallback { get; set; } = "en";

    /// <summary>Languages loaded but not offered to workers (Japanese, for staff); set in appsettings.json.</summary>
    public List<string> Staff { get; set; } = [];

    /// <summary>The locales folder; defaults to <c>locales</c> beside the application.</summary>
    public string? Path { get; set; }

    public string ResolvedPath => Path is { Length: > 0 } path ? System.IO.Path.GetFullPath(path) : System.IO.Path.Combine(AppContext.BaseDirectory, "locales");
}
