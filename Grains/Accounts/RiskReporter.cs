using Exchange.Risk;

namespace Exchange.Accounts;

/// <summary>
/// Keeps the account's row in its risk shard current: after every change of the ledger, if its collateral or a position
/// differs from what was last sent, the new row goes one way to the shard. Versions start from the clock at activation
/// and only grow, so a report of an older activation that arrives late never replaces a newer one.
/// </summary>
internal sealed class RiskReporter(long accountId, AccountLedger ledger, IRiskShardGrain shard, TimeProvider clock)
{
    private long _version = clock.GetUtcNow().UtcTicks;
    private long _collateral = long.MinValue;
    private HeldPosition[] _sent = [];

    public void Changed()
    {
        var held = 0;
        foreach (var m in ledger.Markets) if (m.Position.Size != 0) held++;
        if (ledger.Collateral == _collateral && held == _sent.Length && Same()) return;
        var positions = new HeldPosition[held];
        var i = 0;
        foreach (var m in ledger.Markets)
            if (m.Position.Size != 0) positions[i++] = new HeldPosition(m.Spec.Symbol, m.Position.Size, m.Position.Cost, m.Spec.NotionalPerTickLot);
        if (positions.Length == 0 && _sent.Length == 0) { _collateral = ledger.Collateral; return; } // nothing at risk, nothing to say
        (_collateral, _sent) = (ledger.Collateral, positions);
        _ = shard.Report(new AccountRisk(accountId, ++_version, _collateral, positions));
    }

    private bool Same()
    {
        var i = 0;
        foreach (var m in ledger.Markets)
        {
            if (m.Position.Size == 0) continue;
            var p = _sent[i++];
            if (p.Symbol != m.Spec.Symbol || p.Size != m.Position.Size || p.Cost != m.Position.Cost) return false;
        }
        return true;
    }
}
