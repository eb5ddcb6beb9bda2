using Microsoft.Extensions.Options;
using MigrantHelpBot.Dialogs.Data;

namespace MigrantHelpBot.Directory.Organizations;

/// <summary>
/// On first run (no organisations stored) loads the seed directory file, audited as the file's import,
/// so a fresh install routes at once. Later edits go through the API or <c>directory import</c>.
/// A broken seed file stops the host with its problems.
/// </summary>
internal sealed partial class SeedOnFirstRun(OrganizationStore store, Prefectures prefectures, IOptions<DirectoryOptions> options, ILogger<SeedOnFirstRun> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Mode != DirectoryMode.InProcess) return;
        var file = options.Value.ResolvedSeedFile;
        if (!File.Exists(file))
        {
            LogNoSeed(file);
            return;
        }
        var organizations = DirectoryFile.Load(file, prefectures);
        try
        {
            if (!await store.IsEmptyAsync(cancellationToken)) return;
            var (created, _, _) = await store.ImportAsync(organizations, "seed:" + Path.GetFileName(file), cancellationToken);
            LogSeeded(created, file);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException)
        {
            LogDeferred(exception);
        }
        catch (ConcurrentEditException)
        {
            // Another replica starting at the same time seeded it first.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Directory: loaded {Count} organisations from {File} (first run).")]
    private partial void LogSeeded(int count, string file);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory: no seed file at {File}; the directory starts empty.")]
    private partial void LogNoSeed(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Directory: the seed could not be stored (database down?); it will be tried at the next start.")]
    private partial void LogDeferred(Exception exception);
}
