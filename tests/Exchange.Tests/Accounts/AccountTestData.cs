using System.Globalization;
using System.Numerics;
using System.Text;
using Exchange.Accounts;
using Exchange.Matching;

namespace Exchange.Tests.Accounts;

/// <summary>
/// Specs, independent money arithmetic (exact, in <see cref="BigInteger"/>) and ledger helpers shared by the
/// account tests. Nothing here calls <see cref="Money"/> or <see cref="MarginSchedule"/>: expected values are
/// derived from the published rules, not from the code under test.
/// </summary>
internal static class AccountTestData
{
    /// <summary>Flat 10% initial / 5% maintenance, no fees: hand-computed examples stay readable.</summary>
    public static readonly MarketRisk Flat10 = new(0, 0, [new MarginTier(0, 1_000, 500)]);

    /// <summary>Flat 5% initial (20x) / 2.5% maintenance, no fees: initial margin below the 10%-of-notional floor.</summary>
    public static readonly MarketRisk Flat5 = new(0, 0, [new MarginTier(0, 500, 250)]);

    /// <summary>
    /// A market whose one tick x one lot is <paramref name="notionalPerTickLot"/> micro-USD (tick size = that / 1e6
    /// USD, lot size 1). The spec is checked valid so that a test never runs on a market the venue would refuse.
    /// </summary>
    public static MarketSpec Spec(string symbol, long notionalPerTickLot, MarketRisk? risk = null)
    {
        // Largest order limits (at most 1e6 ticks and lots) whose notional still fits a long, as the venue requires.
        var max = Math.Min(1_000_000, (long)Math.Sqrt(long.MaxValue / notionalPerTickLot));
        while ((Int128)max * max * notionalPerTickLot > long.MaxValue) max--;
        var spec = new MarketSpec(symbol, TickSize: notionalPerTickLot / 1_000_000m, LotSize: 1m,
            MinPrice: 1, MaxPrice: max, MinSize: 1, MaxSize: max, MarketProtectionTicks: 10, risk);
        Assert.Null(spec.Problem());
        Assert.Equal(notionalPerTickLot, spec.NotionalPerTickLot);
        return spec;
    }

    /// <summary>One tick x one lot = 1 USD = 1,000,000 micro-USD, no fees, flat 10% initial margin.</summary>
    public static MarketSpec Usd(string symbol = "USD-PERP", MarketRisk? risk = null) => Spec(symbol, 1_000_000, risk ?? Flat10);

    public static BigInteger Notional(long price, long size, long notionalPerTickLot) => (BigInteger)price * size * notionalPerTickLot;

    /// <summary>Exact ceiling of a / b for b &gt; 0, any sign of a.</summary>
    public static BigInteger CeilDiv(BigInteger a, BigInteger b)
    {
        var q = BigInteger.DivRem(a, b, out var r);
        return r > 0 ? q + 1 : q;
    }

    /// <summary>
    /// The fee rule stated independently: the amount the trader pays is notional x bps / 10000 rounded up (toward
    /// the venue). A rebate is a negative payment, so rounding it up shrinks what the trader receives.
    /// </summary>
    public static BigInteger ExpectedFee(BigInteger notional, int bps) => CeilDiv(notional * bps, 10_000);

    /// <summary>Everything an account's ledger holds, as text: equal text means equal state.</summary>
    public static string State(AccountLedger ledger)
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture,
            $"collateral {ledger.Collateral} deposited {ledger.Deposited} withdrawn {ledger.Withdrawn} fees {ledger.FeesPaid} realised {ledger.RealisedPnl}");
        foreach (var m in ledger.Markets.OrderBy(m => m.Spec.Symbol, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\n{m.Spec.Symbol}: size {m.Position.Size} cost {m.Position.Cost} cursor {m.Cursor} pending {m.PendingCount}");
            foreach (var (id, o) in m.OpenOrders.OrderBy(kv => kv.Key))
                text.Append(CultureInfo.InvariantCulture, $" [{id} {o.Side} {o.Remaining}@{o.Price}{(o.ReduceOnly ? " RO" : "")}]");
        }
        return text.ToString();
    }

    /// <summary>
    /// Gives <paramref name="ledger"/> a fill as the taker against account 999 (only this ledger sees it), as the
    /// next event of this account in the market. Returns the event.
    /// </summary>
    public static MarketEvent Fill(AccountLedger ledger, MarketSpec spec, Side side, long price, long size)
    {
        var exposure = ledger.Track(spec);
        var previous = exposure.Cursor;
        var sequence = previous + 1;
        var trade = MarketEvent.Trade(sequence, timestamp: sequence, takerOrderId: 1_000_000 + sequence, ledger.AccountId, side,
            makerOrderId: 2_000_000 + sequence, makerAccountId: 999, price, size, takerRemaining: 0, makerRemaining: 0);
        Assert.True(ledger.Apply(spec.Symbol, previous, [trade]));
        return trade;
    }

    /// <summary>An order of this account accepted by the market (it then rests), as the account's next event there.</summary>
    public static long Rest(AccountLedger ledger, MarketSpec spec, Side side, long price, long size, bool reduceOnly = false,
        string? clientOrderId = null)
    {
        var exposure = ledger.Track(spec);
        var previous = exposure.Cursor;
        var sequence = previous + 1;
        var orderId = 5_000_000 + sequence;
        var place = new PlaceOrder(ledger.AccountId, side, OrderType.Limit, price, size,
            Flags: reduceOnly ? OrderFlags.ReduceOnly : OrderFlags.None, ClientOrderId: clientOrderId);
        Assert.True(ledger.Apply(spec.Symbol, previous, [MarketEvent.Accepted(sequence, sequence, orderId, place, price)]));
        return orderId;
    }

    public static Func<string, long> Marks(long mark) => _ => mark;
}
