using Exchange.Accounts;
using Exchange.Matching;
using Microsoft.Extensions.Options;

namespace Exchange.Risk;

/// <summary>
/// A shard of the risk view: the grain shell around a <see cref="RiskBook"/>. A mark scans the shard's accounts exposed
/// to that market on the shard's own turn (never the market's) and tells each account found under maintenance, one
/// way, to check itself; an account still under is told again after <see cref="RiskOptions.RenotifyAfter"/>. Its state
/// is only a view: after a restart it fills again from the accounts' next reports and the markets' next marks, and
/// each account checks its own margin at every order and withdrawal in any case.
/// </summary>
public sealed class RiskShardGrain(TimeProvider clock, IOptions<RiskOptions> options) : Grain, IRiskShardGrain
{
    private readonly RiskBook _book = new();
    private readonly Dictionary<long, long> _notifiedAt = [];
    private readonly Dictionary<long, IAccountGrain> _accounts = [];
    private long _scans, _lastScanMicroseconds, _notified;
    private int _lastScanFound;
    private string? _lastScanSymbol;

    public Task Report(AccountRisk report)
    {
        _book.Report(report);
        // A fill at a bad price can put an account under without any mark moving.
        if (_book.IsUnder(report.AccountId)) Notify(report.AccountId);
        else _notifiedAt.Remove(report.AccountId);
        return Task.CompletedTask;
    }

    public Task OnMark(MarkTick tick)
    {
        var started = clock.GetTimestamp();
        // Nothing is liquidated on a price nobody vouches for: the scan waits for a trusted mark.
        if (tick.Untrusted || tick.Mark <= 0 || !_book.SetMark(tick.Symbol, tick.Mark, tick.Risk)) return Task.CompletedTask;
        var under = _book.Scan(tick.Symbol);
        foreach (var accountId in under) Notify(accountId);
        (_scans, _lastScanFound, _lastScanSymbol) = (_scans + 1, under.Count, tick.Symbol);
        _lastScanMicroseconds = (long)clock.GetElapsedTime(started).TotalMicroseconds;
        return Task.CompletedTask;
    }

    public Task<AdlCandidate[]> DeleverageCandidates(string symbol, Side side, long excludeAccountId, int max) =>
        Task.FromResult(_book.DeleverageCandidates(symbol, side, excludeAccountId, Math.Min(max, options.Value.DeleverageCandidates)).ToArray());

    public Task<RiskShardStats> Stats() =>
        Task.FromResult(new RiskShardStats(_book.Accounts, _scans, _lastScanMicroseconds, _lastScanFound, _notified, _lastScanSymbol,
            _book.UnderNow()));

    private void Notify(long accountId)
    {
        var now = clock.GetTimestamp();
        if (_notifiedAt.TryGetValue(accountId, out var at) && clock.GetElapsedTime(at, now) < options.Value.RenotifyAfter) return;
        _notifiedAt[accountId] = now;
        if (!_accounts.TryGetValue(accountId, out var account)) _accounts[accountId] = account = GrainFactory.GetGrain<IAccountGrain>(accountId);
        _notified++;
        _ = account.CheckLiquidation();
    }
}
