using MigrantHelpBot.Dialogs.Locales;
using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Dialogs.Tests;

internal static class Catalog
{
    public static readonly string[] Languages = ["vi", "tl", "km", "my", "en"];

    /// <summary>The repository's real locale files, as the host loads them.</summary>
    public static LocaleCatalog Real { get; } = LocaleCatalog.Load(new LanguageOptions { Supported = [.. Languages], Fallback = "en", Path = RepositoryPaths.Locales });
}
