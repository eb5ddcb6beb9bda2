using MigrantHelpBot.Testing;

namespace MigrantHelpBot.Browser.Tests;

/// <summary>Folders of the repository the browser tests read from.</summary>
internal static class TestPaths
{
    /// <summary>This test project's folder (package.json, node_modules/).</summary>
    public static string ProjectDirectory => Path.Combine(RepositoryPaths.Root, "tests", "MigrantHelpBot.Browser.Tests");

    /// <summary>The repository's locales/ folder, which the host under test reads.</summary>
    public static string Locales => RepositoryPaths.Locales;

    /// <summary>The repository's dialogs/ folder (the flows the host under test runs).</summary>
    public static string Dialogs => RepositoryPaths.Dialogs;

    /// <summary>Microsoft's Web Chat bundle (UMD, defines window.WebChat), as npm installs it from package.json.</summary>
    public static string WebChatBundle => Path.Combine(ProjectDirectory, "node_modules", "botframework-webchat", "dist", "webchat.js");

    public const string HowToGetWebChat = "run npm ci --ignore-scripts in tests/MigrantHelpBot.Browser.Tests";

    /// <summary>Where screenshots and page HTML of failed tests go.</summary>
    public static string FailureArtifacts => Path.Combine(AppContext.BaseDirectory, "browser-failures");
}
