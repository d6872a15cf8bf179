using System.Runtime.InteropServices;
using Exchange.Matching;

namespace Exchange.Risk;

/// <summary>
/// A shard of the venue's risk view: the accounts that hold positions, as columns (collateral per account, size and
/// cost per market per account), and each market's latest mark and maintenance schedule. When a mark moves,
/// <see cref="Scan"/> values every account of the shard exposed to that market at all its markets' marks (cross
/// margin: a move in one market changes every account that holds it, whatever else it holds) and returns those under
/// maintenance. One pass over flat arrays, no allocation per account: at 100,000 accounts it is a few milliseconds,
/// and it runs in the shard, never on a market's turn.
/// </summary>
public sealed class RiskBook
{
    private readonly Dictionary<long, int> _slots = [];
    private readonly Dictionary<string, int> _marketIndex = new(StringComparer.Ordinal);
    private readonly List<MarketColumn> _markets = [];
    private long[] _accountIds = new long[1024];
    private long[] _collateral = new long[1024];
    private long[] _versions = new long[1024];
    private bool[] _hasOrders = new bool[1024];
    private int _count;
    private int _under = -1; // accounts under maintenance at the marks held, kept up by reports; -1: count again (a mark moved)

    public int Accounts => _count;

    /// <summary>Whether the account has a row here.</summary>
    public bool Holds(long accountId) => _slots.ContainsKey(accountId);

    /// <summary>The account's position in a market as last reported (0: none, or no row).</summary>
    public long SizeIn(string symbol, long accountId) =>
        _slots.TryGetValue(accountId, out var slot) && _marketIndex.TryGetValue(symbol, out var i) ? _markets[i].Size[slot] : 0;

    /// <summary>
    /// Records an account's report; an older version than the one held is ignored. True when a position changed (the
    /// account traded, was closed or taken over): a verdict about it is then new, whatever was said before.
    /// </summary>
    public bool Report(AccountRisk report)
    {
        if (!_slots.TryGetValue(report.AccountId, out var slot))
        {
            if (report.Positions.Length == 0) return false; // nothing at risk: not worth a row
            slot = _count++;
            Grow(slot + 1);
            _slots[report.AccountId] = slot;
            _accountIds[slot] = report.AccountId;
            _versions[slot] = long.MinValue;
        }
        if (report.Version <= _versions[slot]) return false;
        var wasUnder = _under >= 0 && IsUnder(slot);
        _versions[slot] = report.Version;
        _collateral[slot] = report.Collateral;
        _hasOrders[slot] = report.HasOpenOrders;
        var held = 0;
        foreach (var m in _markets) if (m.Size[slot] != 0) held++;
        var moved = held != report.Positions.Length;
        foreach (var p in report.Positions)
        {
            var market = Market(p.Symbol);
            moved |= market.Size[slot] != p.Size;
        }
        foreach (var m in _markets) { m.Size[slot] = 0; m.Cost[slot] = 0; m.Cursor[slot] = -1; }
        foreach (var p in report.Positions)
        {
            var market = Market(p.Symbol);
            market.NotionalPerTickLot = p.NotionalPerTickLot;
            market.Size[slot] = p.Size;
            market.Cost[slot] = p.Cost;
            market.Cursor[slot] = p.Cursor;
        }
        if (_under >= 0) _under += (IsUnder(slot) ? 1 : 0) - (wasUnder ? 1 : 0);
        return moved;
    }

    /// <summary>Sets a market's mark and schedule; false when neither changed.</summary>
    public bool SetMark(string symbol, long mark, MarketRisk risk)
    {
        var market = Market(symbol);
        if (market.Mark == mark && Equals(market.Risk, risk)) return false;
        (market.Mark, market.Risk) = (mark, risk);
        _under = -1;
        return true;
    }

    public long MarkOf(string symbol) => _marketIndex.TryGetValue(symbol, out var i) ? _markets[i].Mark : 0;

    /// <summary>The accounts exposed to <paramref name="symbol"/> whose equity is below maintenance at the marks held.</summary>
    public List<long> Scan(string symbol)
    {
        var under = new List<long>();
        if (!_marketIndex.TryGetValue(symbol, out var index)) return under;
        var sizes = _markets[index].Size;
        for (var slot = 0; slot < _count; slot++)
            if (sizes[slot] != 0 && IsUnder(slot)) under.Add(_accountIds[slot]);
        return under;
    }

    /// <summary>Every account under maintenance at the marks held, across every market.</summary>
    public List<long> Under()
    {
        var under = new List<long>();
        for (var slot = 0; slot < _count; slot++) if (IsUnder(slot)) under.Add(_accountIds[slot]);
        return under;
    }

    /// <summary>
    /// How many accounts are under maintenance at the marks held, across every market: counted after a mark moves, then
    /// kept up by each report, so that asking while a crash is being handled does not value every account each time.
    /// </summary>
    public int UnderNow()
    {
        if (_under >= 0) return _under;
        var under = 0;
        for (var slot = 0; slot < _count; slot++) if (IsUnder(slot)) under++;
        return _under = under;
    }

    /// <summary>Whether one account is under maintenance at the marks held (false when unknown here).</summary>
    public bool IsUnder(long accountId) => _slots.TryGetValue(accountId, out var slot) && IsUnder(slot);

    /// <summary>
    /// Profitable positions on <paramref name="side"/> (Buy: longs, Sell: shorts) in <paramref name="symbol"/>, ranked as BitMEX ranks them: profit
    /// ratio (unrealised PnL over cost) times effective leverage (notional over equity), highest first, ties by account
    /// id; at most <paramref name="max"/>.
    /// </summary>
    public List<AdlCandidate> DeleverageCandidates(string symbol, Side side, long excludeAccountId, int max)
    {
        var found = new List<AdlCandidate>();
        if (!_marketIndex.TryGetValue(symbol, out var index)) return found;
        var market = _markets[index];
        if (market.Mark <= 0) return found;
        for (var slot = 0; slot < _count; slot++)
        {
            var size = market.Size[slot];
            if (size == 0 || (size > 0) != (side == Side.Buy) || _accountIds[slot] == excludeAccountId) continue;
            var position = Position(market, slot);
            var pnl = position.UnrealisedPnl;
            var equity = Equity(slot);
            if (pnl <= 0 || equity <= 0) continue;
            var score = (Int128)pnl * position.Notional * 1_000_000 / ((Int128)Math.Max(1, Math.Abs(market.Cost[slot])) * equity);
            found.Add(new AdlCandidate(_accountIds[slot], size, (long)Int128.Min(score, long.MaxValue), market.Cursor[slot]));
        }
        found.Sort((a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : a.AccountId.CompareTo(b.AccountId));
        if (found.Count > max) found.RemoveRange(max, found.Count - max);
        return found;
    }

    /// <summary>
    /// What the risk view knows to backstop an account under maintenance without asking it: the market with its largest
    /// maintenance margin (where the account itself would start), its cursor there, the position and the bankruptcy
    /// price at the marks held (the equity of the whole account, cross margin). Null when the account must act itself:
    /// it is not under, it has orders working (cancelling comes first), its cursor there is unknown, or a market of it
    /// is not valued yet.
    /// </summary>
    public (string Symbol, long Mark, long NotionalPerTickLot, BackstopEntry Entry)? BackstopOf(long accountId)
    {
        if (!_slots.TryGetValue(accountId, out var slot) || _hasOrders[slot] || !IsUnder(slot)) return null;
        MarketColumn? target = null;
        long largest = -1;
        foreach (var m in _markets)
        {
            if (m.Size[slot] == 0) continue;
            var maintenance = Position(m, slot).Maintenance;
            if (maintenance > largest) (largest, target) = (maintenance, m);
        }
        if (target is null || target.Cursor[slot] < 0) return null;
        var size = target.Size[slot];
        var equity = Equity(slot);
        var bankruptcy = LiquidationPolicy.BankruptcyPrice(target.NotionalPerTickLot, 1, long.MaxValue, equity, size, target.Mark);
        return (target.Symbol, target.Mark, target.NotionalPerTickLot, new BackstopEntry(accountId, target.Cursor[slot], size, bankruptcy, equity));
    }

    private bool IsUnder(int slot)
    {
        long equity = _collateral[slot], maintenance = 0;
        var any = false;
        foreach (var m in CollectionsMarshal.AsSpan(_markets))
        {
            if (m.Size[slot] == 0) continue;
            if (m.Mark <= 0 || m.Risk is null) return false; // not valued yet: the account itself decides at its next check
            var p = Position(m, slot);
            equity = checked(equity + p.UnrealisedPnl);
            maintenance = checked(maintenance + p.Maintenance);
            any = true;
        }
        return any && equity < maintenance;
    }

    private long Equity(int slot)
    {
        var equity = _collateral[slot];
        foreach (var m in _markets)
            if (m.Size[slot] != 0 && m.Mark > 0) equity = checked(equity + Position(m, slot).UnrealisedPnl);
        return equity;
    }

    private static PositionRisk Position(MarketColumn m, int slot) =>
        new(m.Size[slot], m.Cost[slot], m.Mark, m.NotionalPerTickLot, m.Risk!);

    private MarketColumn Market(string symbol)
    {
        if (_marketIndex.TryGetValue(symbol, out var i)) return _markets[i];
        var market = new MarketColumn(symbol, _accountIds.Length);
        _marketIndex[symbol] = _markets.Count;
        _markets.Add(market);
        return market;
    }

    private void Grow(int needed)
    {
        if (needed <= _accountIds.Length) return;
        var size = Math.Max(needed, _accountIds.Length * 2);
        Array.Resize(ref _accountIds, size);
        Array.Resize(ref _collateral, size);
        Array.Resize(ref _versions, size);
        Array.Resize(ref _hasOrders, size);
        foreach (var m in _markets) m.Resize(size);
    }

    private sealed class MarketColumn(string symbol, int capacity)
    {
        public readonly string Symbol = symbol;
        public long[] Size = new long[capacity];
        public long[] Cost = new long[capacity];
        public long[] Cursor = new long[capacity];
        public long Mark;
        public long NotionalPerTickLot;
        public MarketRisk? Risk;

        public void Resize(int size)
        {
            Array.Resize(ref Size, size);
            Array.Resize(ref Cost, size);
            Array.Resize(ref Cursor, size);
        }
    }
}
