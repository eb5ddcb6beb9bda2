namespace MigrantHelpBot.Testing;

/// <summary>Folders of this repository, found from the test's output directory.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Locales => Path.Combine(Root, "locales");

    public static string Dialogs => Path.Combine(Root, "dialogs");

    /// <summary>The sample directory of organisations shipped in deploy/.</summary>
    public static string SampleDirectory => Path.Combine(Root, "deploy", "directory", "organizations.yaml");

    public static string RoutingTexts => Path.Combine(Root, "locales", "routing", "reasons.yaml");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "MigrantHelpBot.sln"))) return directory.FullName;
        }
        throw new DirectoryNotFoundException("MigrantHelpBot.sln was not found above " + AppContext.BaseDirectory);
    }
}
