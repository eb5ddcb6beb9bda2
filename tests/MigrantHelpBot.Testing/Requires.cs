using Xunit;

namespace MigrantHelpBot.Testing;

/// <summary>
/// What a test needs from the machine. Outside CI a missing dependency skips the test with the
/// reason shown; with <c>CI=true</c> it fails, because CI must run everything.
/// </summary>
public static class Requires
{
    public const string PostgresVariable = "MHB_TEST_POSTGRES";
    public const string ChromiumVariable = "MHB_CHROMIUM";

    public static bool InCi => Environment.GetEnvironmentVariable("CI") is { } ci && (ci.Equals("true", StringComparison.OrdinalIgnoreCase) || ci == "1");

    /// <summary>The admin connection string of a PostgreSQL server for tests.</summary>
    public static string Postgres()
    {
        var connectionString = Environment.GetEnvironmentVariable(PostgresVariable);
        if (!string.IsNullOrWhiteSpace(connectionString)) return connectionString;
        Missing($"PostgreSQL is not available: set {PostgresVariable} to an admin connection string (e.g. Host=127.0.0.1;Port=5432;Username=postgres). .ci/run starts one and sets it.");
        return null!;
    }

    /// <summary>The system Chromium (Debian's chromium package).</summary>
    public static string Chromium()
    {
        var configured = Environment.GetEnvironmentVariable(ChromiumVariable);
        foreach (var candidate in new[] { configured, "/usr/bin/chromium", "/usr/bin/chromium-browser" })
        {
            if (!string.IsNullOrEmpty(candidate) && System.IO.File.Exists(candidate)) return candidate;
        }
        Missing($"Chromium is not installed: apt-get install chromium, or set {ChromiumVariable} to its executable.");
        return null!;
    }

    /// <summary>A file the test needs (e.g. an npm package CI installs).</summary>
    public static string File(string path, string howToGetIt)
    {
        if (System.IO.File.Exists(path)) return path;
        Missing($"{path} is missing: {howToGetIt}");
        return null!;
    }

    /// <summary>Something the test needs that is found some other way (e.g. a package's binaries): skips without it, fails in CI.</summary>
    public static void Present(bool present, string reason)
    {
        if (!present) Missing(reason);
    }

    private static void Missing(string reason)
    {
        if (InCi) Assert.Fail($"CI=true, so this test may not be skipped. {reason}");
        Assert.Skip(reason);
    }
}
