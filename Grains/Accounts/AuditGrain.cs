using Exchange.Journal;
using Exchange.Markets;
using Microsoft.Extensions.Options;

namespace Exchange.Accounts;

/// <summary>
/// The conservation audit: every account brought up to date with every market and valued at one set of marks,
/// against the transfer ledger. Meaningful at a quiet point (no command in flight).
/// </summary>
public sealed class AuditGrain(IAccountStore store, IMarketJournal journal, IOptions<AccountOptions> options, TimeProvider clock) : Grain, IAuditGrain
{
    public async Task<AuditReport> Run()
    {
        // Each store read has its own deadline: bringing 100,000 accounts up to date takes longer than one read may.
        var markets = await StoreRead(journal.ListMarkets);
        var marks = new Dictionary<string, long>(StringComparer.Ordinal);
        var funds = new HashSet<long>();
        foreach (var spec in markets)
        {
            var market = GrainFactory.GetGrain<IMarketGrain>(spec.Symbol);
            marks[spec.Symbol] = await market.GetMarkPrice();
            if ((await market.GetSummary()).Terms?.Liquidation is { } rules) funds.Add(rules.FundAccountId);
        }

        var accounts = await StoreRead(store.AccountIds);
        var audits = new List<AccountAudit>(accounts.Length);
        foreach (var chunk in accounts.Chunk(64))
            audits.AddRange(await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IAccountGrain>(id).Audit(marks))));

        var (deposits, withdrawals) = await StoreRead(store.TransferTotals);
        var netPositions = markets.ToDictionary(m => m.Symbol,
            m => audits.Sum(a => a.Positions.GetValueOrDefault(m.Symbol)), StringComparer.Ordinal);
        static long Equity(AccountAudit a) => checked(a.Collateral + a.UnrealisedPnl);
        return new AuditReport(
            Accounts: audits.Count,
            Holdings: audits.Where(a => !funds.Contains(a.AccountId)).Sum(Equity),
            Fees: audits.Sum(a => a.FeesPaid),
            InsuranceFund: audits.Where(a => funds.Contains(a.AccountId)).Sum(Equity),
            NetDeposits: deposits - withdrawals,
            NetPositions: netPositions,
            BadDebt: audits.Sum(a => Math.Max(0, -Equity(a))),
            FundingKept: audits.Sum(a => a.FundingPaid));
    }

    private async Task<T> StoreRead<T>(Func<CancellationToken, Task<T>> read)
    {
        using var deadline = new CancellationTokenSource(options.Value.StoreTimeout, clock);
        return await read(deadline.Token);
    }
}
