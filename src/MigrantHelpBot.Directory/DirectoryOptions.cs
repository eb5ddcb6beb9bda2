namespace MigrantHelpBot.Directory;

public enum DirectoryMode { InProcess, Remote }

/// <summary>The <c>Directory</c> section: where the directory runs and how the bot reaches it.</summary>
public sealed class DirectoryOptions
{
    public const string Section = "Directory";

    /// <summary><c>InProcess</c> (default): this host keeps the directory. <c>Remote</c>: a standalone directory at <see cref="Url"/>.</summary>
    public DirectoryMode Mode { get; set; } = DirectoryMode.InProcess;

    /// <summary>The directory file loaded when the directory is empty (first run). Default: the sample beside the binaries.</summary>
    public string? SeedFile { get; set; }

    /// <summary>The reasons' words. Default: <c>routing/reasons.yaml</c> in the locales folder (<c>Languages:Path</c>).</summary>
    public string? TextsFile { get; set; }

    /// <summary>Remote mode: the standalone directory's base URL, and the bot's API key there (role <c>service</c>).</summary>
    public Uri? Url { get; set; }

    public string? ApiKey { get; set; }

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);
    public int MaxRetries { get; set; } = 2;
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the bot refreshes its last-known-good copy of the directory.</summary>
    public TimeSpan SnapshotInterval { get; set; } = TimeSpan.FromMinutes(5);

    public string ResolvedSeedFile => SeedFile is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(AppContext.BaseDirectory, "directory", "organizations.yaml");

    internal string ResolvedTextsFile(string localesPath) => TextsFile is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(localesPath, "routing", "reasons.yaml");
}
