using Microsoft.Extensions.Options;

namespace MigrantHelpBot.Directory.Client;

/// <summary>Takes a fresh snapshot of the standalone directory at start and every <see cref="DirectoryOptions.SnapshotInterval"/> (failures keep the last good one), and then reports the gaps met while it was down.</summary>
internal sealed partial class SnapshotRefresher(IServiceProvider services, DirectorySnapshot snapshot, IOptions<DirectoryOptions> options, TimeProvider clock, ILogger<SnapshotRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Mode != DirectoryMode.Remote) return;
        var directory = services.GetRequiredService<RemoteDirectory>();
        try
        {
            await snapshot.LoadAsync(stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogFailed(exception.GetType().Name);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var organizations = await directory.FetchAllAsync(stoppingToken);
                await snapshot.SaveAsync(organizations, clock.GetUtcNow(), stoppingToken);
                LogRefreshed(organizations.Count);
                await directory.ReportGapsAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(exception.GetType().Name);
            }
            try
            {
                await Task.Delay(options.Value.SnapshotInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Directory snapshot refreshed: {Count} organisations.")]
    private partial void LogRefreshed(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Directory snapshot not refreshed ({Reason}); keeping the last good one.")]
    private partial void LogFailed(string reason);
}
