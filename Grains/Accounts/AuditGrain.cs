using Exchange.Journal;
using Exchange.Markets;
using Microsoft.Extensions.Options;

namespace Exchange.Accounts;

/// <summary>
/// The conservation audit: every account brought up to date with every market and valued at one set of marks,
/// against the transfer ledger. Meaningful at a quiet point (no command in flight).
/// </summary>
public sealed class AuditGrain(IAccountStore store, IMarketJournal journal, IOptions<AccountOptions> options) : Grain, IAuditGrain
{
    public async Task<AuditReport> Run()
    {
        using var deadline = new CancellationTokenSource(options.Value.StoreTimeout);
        var markets = await journal.ListMarkets(deadline.Token);
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var spec in markets) marks[spec.Symbol] = await GrainFactory.GetGrain<IMarketGrain>(spec.Symbol).GetMarkPrice();

        var accounts = await store.AccountIds(deadline.Token);
        var audits = new List<AccountAudit>(accounts.Length);
        foreach (var chunk in accounts.Chunk(64))
            audits.AddRange(await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IAccountGrain>(id).Audit(marks))));

        var (deposits, withdrawals) = await store.TransferTotals(deadline.Token);
        var netPositions = markets.ToDictionary(m => m.Symbol,
            m => audits.Sum(a => a.Positions.GetValueOrDefault(m.Symbol)), StringComparer.Ordinal);
        return new AuditReport(
            Accounts: audits.Count,
            Holdings: audits.Sum(a => checked(a.Collateral + a.UnrealisedPnl)),
            Fees: audits.Sum(a => a.FeesPaid),
            InsuranceFund: 0, // the liquidation engine, which funds it, is still to come
            NetDeposits: deposits - withdrawals,
            NetPositions: netPositions);
    }
}
