namespace MigrantHelpBot.Directory.Organizations;

/// <summary>The one wording of "unknown value" errors, for directory files, request bodies and query strings alike.</summary>
internal static class Unknown
{
    public static string Value(string value, IReadOnlyList<string> allowed) => $"Unknown value '{value}'; use one of {string.Join(", ", allowed)}.";

    public static string Prefecture(string value) => $"Unknown prefecture '{value}'; use a romaji name (Tokyo, Gunma…) or a JIS code 01–47.";
}
