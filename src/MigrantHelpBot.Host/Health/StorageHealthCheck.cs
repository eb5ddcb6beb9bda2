using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MigrantHelpBot.Bot.Storage;

namespace MigrantHelpBot.Host.Health;

/// <summary><c>/healthz</c>: healthy when the database answers.</summary>
internal sealed class StorageHealthCheck(IStateStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            return await store.PingAsync(timeout.Token) ? HealthCheckResult.Healthy("storage reachable") : HealthCheckResult.Unhealthy("storage unreachable");
        }
        catch (OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("storage did not answer in time");
        }
    }

    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new Dictionary<string, string> { ["status"] = report.Status.ToString() };
        foreach (var (name, entry) in report.Entries) body[name] = entry.Status.ToString();
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
