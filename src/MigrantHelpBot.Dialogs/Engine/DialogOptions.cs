namespace MigrantHelpBot.Dialogs.Engine;

/// <summary>Configuration section <c>Dialogs</c>.</summary>
public sealed class DialogOptions
{
    public const string Section = "Dialogs";

    /// <summary>The flows folder; defaults to <c>dialogs</c> beside the application.</summary>
    public string? Path { get; set; }

    public string ResolvedPath => Path is { Length: > 0 } path ? System.IO.Path.GetFullPath(path) : System.IO.Path.Combine(AppContext.BaseDirectory, "dialogs");
}
