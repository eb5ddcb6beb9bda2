using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace MigrantHelpBot.Testing;

/// <summary>
/// A PostgreSQL server of a test's own, on loopback (initdb into a temporary folder, started with pg_ctl from Debian's
/// postgresql package), so the test can stop and start the real server process without touching the server every
/// other test shares. As root, the server runs as the postgres user, which PostgreSQL requires.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _folder;
    private readonly int _port;

    private PrivatePostgres(string bin, string folder, int port)
    {
        _bin = bin;
        _folder = folder;
        _port = port;
    }

    /// <summary>The admin connection string (trust authentication on loopback only).</summary>
    public string ConnectionString => $"Host=127.0.0.1;Port={_port};Username=postgres;Timeout=5";

    private string Data => Path.Combine(_folder, "data");

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => System.IO.File.Exists(Path.Combine(d, "initdb")))
                .OrderBy(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0).LastOrDefault()
            : null;
        Requires.Present(bin is not null, "PostgreSQL's server binaries are missing (/usr/lib/postgresql/<version>/bin/initdb): apt-get install postgresql (.ci/run does).");
        var folder = Path.Combine(Path.GetTempPath(), "mhb-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        if (IsRoot) await RunAsync("chown", ["postgres", folder]);
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var server = new PrivatePostgres(bin!, folder, port);
        await server.AsPostgresAsync("initdb", "-D", server.Data, "-A", "trust", "-U", "postgres", "-E", "UTF8");
        await server.StartServerAsync();
        return server;
    }

    /// <summary>
    /// Stops the server the hard way (<c>-m immediate</c>: every connection cut, no checkpoint, as a crash or a pulled plug),
    /// keeps it down for <paramref name="down"/>, then starts it again; it recovers from its write-ahead log.
    /// </summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await AsPostgresAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        await Task.Delay(down);
        await StartServerAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await AsPostgresAsync("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // The OS cleans the temporary folder.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    private Task StartServerAsync() =>
        AsPostgresAsync("pg_ctl", "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w",
            "-o", $"-c listen_addresses=127.0.0.1 -p {_port} -k {_folder} -c fsync=on -c max_connections=100", "start");

    private static bool IsRoot => !OperatingSystem.IsWindows() && Environment.UserName == "root";

    private Task AsPostgresAsync(string tool, params string[] arguments) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. arguments]) : RunAsync(Path.Combine(_bin, tool), arguments);

    private static async Task RunAsync(string file, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await output}{await error}");
    }
}
