namespace MigrantHelpBot.Handoff;

/// <summary>The loop of a background worker: pass after pass until the host stops.</summary>
internal static class WorkLoop
{
    /// <summary>
    /// Runs <paramref name="pass"/> (which returns how much it did) straight again while it finds work, otherwise after
    /// <paramref name="idle"/>; a failed pass is reported to <paramref name="failed"/> and the loop goes on.
    /// </summary>
    public static async Task RunAsync(Func<CancellationToken, Task<int>> pass, Func<CancellationToken, Task> idle, Action<Exception> failed, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var work = 0;
            try
            {
                work = await pass(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failed(exception);
            }
            if (work > 0) continue;
            try
            {
                await idle(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
