using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Exchange.Local;

/// <summary>Part of <c>/health/ready</c>: says where the journal is, and is degraded when that is memory.</summary>
internal sealed class JournalHealthCheck(JournalDatabase database) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(database.IsDurable
            ? HealthCheckResult.Healthy($"journal: {database.Description}")
            : HealthCheckResult.Degraded("journal: in memory, markets and accounts are lost when the process stops"));
}
