namespace Exchange.Accounts;

/// <summary>
/// Margin held for an order (or an amend's growth) from the moment the ledger accepts it until the market has
/// answered: the ledger hands it out, the caller gives it back by disposing it once the answer is applied (an
/// accepted order then counts as open, a refused or failed one stops counting). Giving it back twice is harmless.
/// </summary>
public sealed class Reservation : IDisposable
{
    private readonly MarketExposure _market;
    private readonly string _key;
    private bool _released;

    internal Reservation(MarketExposure market, string key, WorkingOrder order)
    {
        (_market, _key) = (market, key);
        market.AddPending(key, order);
    }

    public void Dispose()
    {
        if (_released) return;
        _released = true;
        _market.RemovePending(_key);
    }
}

/// <summary>
/// A withdrawal debited before its write, so that orders placed meanwhile cannot use the money: kept once the write
/// is durable, undone if it fails. One of the two, once.
/// </summary>
public sealed class WithdrawalHold
{
    private readonly AccountLedger _ledger;
    private readonly long _amount;
    private bool _settled;

    internal WithdrawalHold(AccountLedger ledger, long amount)
    {
        (_ledger, _amount) = (ledger, amount);
        ledger.Withdraw(amount);
    }

    public void Keep() => _settled = true;

    public void Undo()
    {
        if (_settled) return;
        _settled = true;
        _ledger.UndoWithdrawal(_amount);
    }
}
