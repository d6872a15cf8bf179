namespace Exchange.Accounts;

/// <summary>
/// The conservation audit over the whole venue. At a quiet point both differences are exactly zero: money is
/// neither created nor destroyed, and every market's positions net to zero.
/// </summary>
public interface IAuditGrain : IGrainWithIntegerKey
{
    Task<AuditReport> Run();
}

/// <param name="Holdings">Sum over traders' accounts of collateral plus unrealised PnL at mark (negative equity included).</param>
/// <param name="Fees">Fees collected (the fee account's balance).</param>
/// <param name="InsuranceFund">The markets' insurance funds (accounts of the venue): their collateral plus unrealised PnL.</param>
/// <param name="NetDeposits">Deposits minus withdrawals, from the transfer ledger.</param>
/// <param name="NetPositions">Per market, the sum of all accounts' position sizes in lots.</param>
[GenerateSerializer, Immutable, Alias("AuditReport")]
/// <param name="BadDebt">Negative equity nobody has paid: the sum over accounts (funds included) of equity below zero. It is
/// inside <paramref name="Holdings"/> already (money is conserved: someone holds the matching profit); shown on its own
/// line so that a loss nobody could cover is never silent.</param>
/// <param name="FundingKept">What the venue kept from funding's rounding (payers round up, receivers down): the sum over
/// accounts of funding paid net of received, never below zero.</param>
public sealed record AuditReport(int Accounts, long Holdings, long Fees, long InsuranceFund, long NetDeposits,
    Dictionary<string, long> NetPositions, long BadDebt = 0, long FundingKept = 0)
{
    /// <summary>Holdings + fees + insurance + funding kept - net deposits: zero when no money was created or lost.</summary>
    public long MoneyDifference => Holdings + Fees + InsuranceFund + FundingKept - NetDeposits;

    public bool Balanced => MoneyDifference == 0 && NetPositions.Values.All(v => v == 0);
}
