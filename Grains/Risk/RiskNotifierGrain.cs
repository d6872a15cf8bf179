using Exchange.Accounts;
using Orleans.Concurrency;

namespace Exchange.Risk;

/// <summary>
/// Fans a chunk of "check your margin" notices out to the accounts from the silo it runs on (a stateless worker, so
/// each silo has its own), keeping the per-account messages off the risk shard's turn and the shard's sends to one per
/// chunk. The notice is one-way and idempotent: an account already liquidating ignores it.
/// </summary>
[StatelessWorker]
public sealed class RiskNotifierGrain : Grain, IRiskNotifierGrain
{
    public Task CheckLiquidation(long[] accountIds)
    {
        foreach (var id in accountIds) _ = GrainFactory.GetGrain<IAccountGrain>(id).CheckLiquidation();
        return Task.CompletedTask;
    }

    public Task ReportRisk(long[] accountIds)
    {
        foreach (var id in accountIds) _ = GrainFactory.GetGrain<IAccountGrain>(id).ReportRisk();
        return Task.CompletedTask;
    }
}
