using Exchange.Risk;

namespace Exchange.Accounts;

/// <summary>
/// Keeps the account's row in its risk shard current: after every change of the ledger, if its collateral or a position
/// differs from what was last sent, the new row goes one way to the shard. Versions start from the clock at activation
/// and only grow, so a report of an older activation that arrives late never replaces a newer one. Each position carries
/// the account's cursor in its market at the time of the report (steps the risk view leads to name it), and the row
/// says whether any order is working (the view then leaves the liquidation to the account, which cancels first).
/// </summary>
internal sealed class RiskReporter(long accountId, AccountLedger ledger, IRiskShardGrain shard, TimeProvider clock)
{
    /// <summary>
    /// How often a row at risk is sent again unchanged: a shard that started again (its silo died) knows only the rows
    /// sent since, so a quiet account with a position is valued again within this time of a shard's restart.
    /// </summary>
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromSeconds(30);

    private long _version = clock.GetUtcNow().UtcTicks;
    private long _sentAt;
    private long _collateral = long.MinValue;
    private HeldPosition[] _sent = [];
    private bool _hadOrders;

    public void Changed()
    {
        int held = 0;
        var orders = false;
        foreach (var m in ledger.Markets)
        {
            if (m.Position.Size != 0) held++;
            orders |= m.OpenOrders.Count > 0 || m.PendingCount > 0;
        }
        if (ledger.Collateral == _collateral && held == _sent.Length && orders == _hadOrders && Same()) return;
        var positions = new HeldPosition[held];
        var i = 0;
        foreach (var m in ledger.Markets)
            if (m.Position.Size != 0)
                positions[i++] = new HeldPosition(m.Spec.Symbol, m.Position.Size, m.Position.Cost, m.Spec.NotionalPerTickLot, m.Cursor);
        if (positions.Length == 0 && _sent.Length == 0) { (_collateral, _hadOrders) = (ledger.Collateral, orders); return; } // nothing at risk
        (_collateral, _sent, _hadOrders) = (ledger.Collateral, positions, orders);
        Send();
    }

    /// <summary>Sends the last row again if it holds a position and went out more than <see cref="RefreshAfter"/> ago.</summary>
    public void Refresh()
    {
        if (_sent.Length > 0 && clock.GetElapsedTime(_sentAt) >= RefreshAfter) Send();
    }

    /// <summary>Sends the last row again now, if it holds a position (its shard asked: it started again and knows nothing).</summary>
    public void Resend()
    {
        if (_sent.Length > 0) Send();
    }

    private void Send()
    {
        _sentAt = clock.GetTimestamp();
        _ = shard.Report(new AccountRisk(accountId, ++_version, _collateral, _sent, _hadOrders));
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
