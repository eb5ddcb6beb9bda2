using Microsoft.Extensions.Diagnostics.HealthChecks;
using MigrantHelpBot.Translation;

namespace MigrantHelpBot.Host.Health;

/// <summary>
/// <c>/healthz</c> "translator": Healthy when machine translation works or is simply not configured;
/// Degraded while its circuit is open (staff read untranslated text meanwhile; nothing is lost).
/// </summary>
internal sealed class TranslatorHealthCheck(MachineTranslator translator) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) => Task.FromResult(
        !translator.Configured ? HealthCheckResult.Healthy("not configured")
        : translator.Available ? HealthCheckResult.Healthy("available")
        : HealthCheckResult.Degraded("failing: translations wait and are tried again"));
}
