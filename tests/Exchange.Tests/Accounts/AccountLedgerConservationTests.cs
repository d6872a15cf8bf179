using System.Numerics;
using CsCheck;
using Exchange.Accounts;
using Exchange.Matching;
using Exchange.Tests.Matching;
using static Exchange.Tests.Accounts.AccountTestData;

namespace Exchange.Tests.Accounts;

/// <summary>
/// Money is neither made nor lost between accounts: with every trade applied to both sides, the accounts' equity
/// at any common mark plus the fees the venue took equals what came in minus what went out, to the micro-USD.
/// Fees are recomputed here from each trade's notional with the stated rounding rule (<see cref="AccountTestData.ExpectedFee"/>).
/// </summary>
public sealed class AccountLedgerConservationTests
{
    /// <summary>One step of a random stream; fields are read modulo the scenario's account and market counts.</summary>
    public readonly record struct StreamStep(int Kind, int Market, int A, int B, Side Side, long Price, long Size, long Amount)
    {
        public override string ToString() => Kind switch
        {
            < 45 => $"trade m{Market} taker {A} {Side} maker {B} {Size}@{Price}",
            < 60 => $"deliver acct {A} m{Market} up to {1 + B % 4}",
            < 66 => $"replay acct {A} m{Market} batch {B}",
            < 72 => $"gap acct {A} m{Market}",
            < 82 => $"deposit acct {A} {Amount}",
            < 92 => $"withdraw acct {A} {Amount} marks {Price}",
            _ => $"check marks {Price}",
        };
    }

    public sealed record StreamScenario(int Accounts, (long PerTickLot, int TakerBps, int MakerBps)[] Markets, StreamStep[] Steps)
    {
        public override string ToString() =>
            $"{Accounts} accounts, markets [{string.Join(", ", Markets.Select(m => $"K={m.PerTickLot} taker {m.TakerBps} maker {m.MakerBps}"))}]"
            + string.Concat(Steps.Select((s, i) => $"\n  [{i}] {s}"));
    }

    private static readonly Gen<StreamStep> Steps = Gen.Select(Gen.Int[0, 99], Gen.Int[0, 1], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Enum<Side>(),
        Gen.Frequency((3, Gen.Long[90, 110]), (1, Gen.Long[1, 1_000_000])),
        Gen.Frequency((3, Gen.Long[1, 10]), (1, Gen.Long[1, 1_000])),
        Gen.Frequency((2, Gen.Long[1, 1_000_000_000]), (1, Gen.Long[1, 1_000_000_000_000])),
        (kind, market, a, b, side, price, size, amount) => new StreamStep(kind, market, a, b, side, price, size, amount));

    private static readonly Gen<(long, int, int)> Markets = Gen.Select(
        Gen.Frequency((1, Gen.Const(1L)), (1, Gen.Const(10_000L)), (1, Gen.Const(1_000_000L)), (2, Gen.Long[1, 1_000_000])),
        Gen.Int[0, 50], Gen.Int[0, 100],
        (k, taker, maker) => (k, taker, maker - taker)); // maker in [-taker, 100 - taker]: a rebate never exceeds the taker fee

    private static readonly Gen<StreamScenario> Scenarios = Gen.Select(Gen.Int[2, 5], Markets.Array[1, 2], Steps.Array[1, 120],
        (accounts, markets, steps) => new StreamScenario(accounts, markets, steps));

    /// <summary>The venue as the test sees it: what it sent each account, and the expected totals.</summary>
    private sealed class Venue
    {
        public readonly MarketSpec[] Specs;
        public readonly AccountLedger[] Ledgers;
        private readonly long[] _sequence;
        private readonly List<MarketEvent>[,] _undelivered;
        private readonly long[,] _previous;
        private readonly List<(long Previous, MarketEvent[] Batch)>[,] _delivered;
        public readonly BigInteger[] Fees, Cash, Deposits, Withdrawals;
        public readonly long[,] Size;

        public Venue(StreamScenario s)
        {
            Specs = s.Markets.Select((m, i) => Spec($"M{i}", m.PerTickLot, new MarketRisk(m.MakerBps, m.TakerBps, MarketRisk.Default.Tiers))).ToArray();
            Ledgers = Enumerable.Range(0, s.Accounts).Select(a => new AccountLedger(100 + a)).ToArray();
            foreach (var ledger in Ledgers) foreach (var spec in Specs) ledger.Track(spec);
            _sequence = new long[Specs.Length];
            _undelivered = new List<MarketEvent>[s.Accounts, Specs.Length];
            _delivered = new List<(long, MarketEvent[])>[s.Accounts, Specs.Length];
            for (var a = 0; a < s.Accounts; a++)
            for (var m = 0; m < Specs.Length; m++) (_undelivered[a, m], _delivered[a, m]) = ([], []);
            _previous = new long[s.Accounts, Specs.Length];
            (Fees, Cash, Deposits, Withdrawals) = (new BigInteger[s.Accounts], new BigInteger[s.Accounts], new BigInteger[s.Accounts], new BigInteger[s.Accounts]);
            Size = new long[s.Accounts, Specs.Length];
        }

        public void Trade(int m, int taker, int maker, Side side, long price, long size)
        {
            // Unrelated market activity between trades so that each account's sequences have gaps.
            _sequence[m] += 1 + (price + size) % 3;
            var e = MarketEvent.Trade(_sequence[m], _sequence[m], takerOrderId: 2 * _sequence[m], Ledgers[taker].AccountId, side,
                makerOrderId: 2 * _sequence[m] + 1, Ledgers[maker].AccountId, price, size, takerRemaining: 0, makerRemaining: 0);
            _undelivered[taker, m].Add(e);
            if (maker != taker) _undelivered[maker, m].Add(e);

            var spec = Specs[m];
            var notional = Notional(price, size, spec.NotionalPerTickLot);
            Fees[taker] += ExpectedFee(notional, spec.RiskTerms.TakerFeeBps);
            Fees[maker] += ExpectedFee(notional, spec.RiskTerms.MakerFeeBps);
            var (buyer, seller) = side == Side.Buy ? (taker, maker) : (maker, taker);
            Cash[buyer] -= notional;
            Cash[seller] += notional;
            Size[buyer, m] += size;
            Size[seller, m] -= size;
        }

        public void Deliver(int a, int m, int count)
        {
            var queue = _undelivered[a, m];
            count = Math.Min(count, queue.Count);
            if (count == 0) return;
            var batch = queue.GetRange(0, count).ToArray();
            queue.RemoveRange(0, count);
            Assert.True(Ledgers[a].Apply(Specs[m].Symbol, _previous[a, m], batch));
            _delivered[a, m].Add((_previous[a, m], batch));
            _previous[a, m] = batch[^1].Sequence;
        }

        public void Replay(int a, int m, int pick)
        {
            var history = _delivered[a, m];
            if (history.Count == 0) return;
            var (previous, batch) = history[pick % history.Count];
            var before = State(Ledgers[a]);
            Assert.True(Ledgers[a].Apply(Specs[m].Symbol, previous, batch));
            Assert.Equal(before, State(Ledgers[a]));
        }

        public void Gap(int a, int m)
        {
            var queue = _undelivered[a, m];
            if (queue.Count < 2) return;
            var before = State(Ledgers[a]);
            Assert.False(Ledgers[a].Apply(Specs[m].Symbol, queue[0].Sequence, queue.Skip(1).ToArray()));
            Assert.Equal(before, State(Ledgers[a]));
        }

        public void FlushAll()
        {
            for (var a = 0; a < Ledgers.Length; a++)
            for (var m = 0; m < Specs.Length; m++) Deliver(a, m, int.MaxValue);
        }

        public static Func<string, long> MarksFrom(long price) => symbol => symbol == "M0" ? price : 1 + (price * 7_919) % 1_000_000;

        public void AssertConserved(Func<string, long> marks)
        {
            BigInteger equity = 0, fees = 0, net = 0;
            for (var a = 0; a < Ledgers.Length; a++)
            {
                var ledger = Ledgers[a];
                equity += ledger.Equity(marks);
                fees += Fees[a];
                net += Deposits[a] - Withdrawals[a];

                Assert.Equal(Fees[a], (BigInteger)ledger.FeesPaid);
                Assert.Equal(Deposits[a], (BigInteger)ledger.Deposited);
                Assert.Equal(Withdrawals[a], (BigInteger)ledger.Withdrawn);
                // Per account: realised + unrealised = cash flows + position at the mark, exactly.
                BigInteger atMark = 0;
                for (var m = 0; m < Specs.Length; m++)
                {
                    Assert.Equal(Size[a, m], ledger.Find(Specs[m].Symbol)!.Position.Size);
                    atMark += (BigInteger)Size[a, m] * marks(Specs[m].Symbol) * Specs[m].NotionalPerTickLot;
                }
                Assert.Equal(Cash[a] + atMark, ledger.RealisedPnl + ((BigInteger)ledger.Equity(marks) - ledger.Collateral));
                Assert.Equal(Deposits[a] - Withdrawals[a] + ledger.RealisedPnl - Fees[a], (BigInteger)ledger.Collateral);
            }
            for (var m = 0; m < Specs.Length; m++)
                Assert.Equal(0, Ledgers.Sum(l => l.Find(Specs[m].Symbol)!.Position.Size));
            Assert.Equal(net, equity + fees);
        }
    }

    [Fact]
    public void Equity_plus_fees_equals_net_deposits_and_positions_net_to_zero()
    {
        Scenarios.Sample(s =>
        {
            var venue = new Venue(s);
            var (accounts, markets) = (s.Accounts, s.Markets.Length);
            foreach (var step in s.Steps)
            {
                var (a, b, m) = (step.A % accounts, step.B % accounts, step.Market % markets);
                switch (step.Kind)
                {
                    case < 45: venue.Trade(m, a, b, step.Side, step.Price, step.Size); break;
                    case < 60: venue.Deliver(a, m, 1 + step.B % 4); break;
                    case < 66: venue.Replay(a, m, step.B); break;
                    case < 72: venue.Gap(a, m); break;
                    case < 82:
                        venue.Ledgers[a].Deposit(step.Amount);
                        venue.Deposits[a] += step.Amount;
                        break;
                    case < 92:
                        var marks = Venue.MarksFrom(step.Price);
                        var amount = 1 + step.Amount % Math.Max(1, venue.Ledgers[a].Collateral);
                        if (venue.Ledgers[a].CheckWithdrawal(amount, marks) == AccountReject.None)
                        {
                            venue.Ledgers[a].Withdraw(amount);
                            venue.Withdrawals[a] += amount;
                        }
                        break;
                    default:
                        venue.FlushAll();
                        venue.AssertConserved(Venue.MarksFrom(step.Price));
                        break;
                }
            }
            venue.FlushAll();
            foreach (var mark in new long[] { 1, 100, 999_999 }) venue.AssertConserved(Venue.MarksFrom(mark));
        }, iter: 400);
    }

    /// <summary>
    /// The same conservation with a real order book producing the events (accepts, trades as taker and maker,
    /// self-trades, amends, cancels, auctions): each account's ledger gets its own events, each batch twice. After
    /// every command the ledger's open orders are exactly the account's resting orders in the book.
    /// </summary>
    [Fact]
    public void Ledgers_fed_by_an_order_book_conserve_money_and_mirror_resting_orders()
    {
        var spec = CommandStreams.Spec with { Risk = new MarketRisk(-1, 3, MarketRisk.Default.Tiers) };
        // CommandStreams uses accounts 1..4 (and a few invalid ones the book rejects) and 9, the insurance fund.
        const int accounts = 9;
        CommandStreams.Scenarios.Sample(scenario =>
        {
            var book = new ReferenceOrderBook(spec, scenario.InitialMode);
            var ledgers = Enumerable.Range(1, accounts).Select(a => new AccountLedger(a)).ToArray();
            var previous = new long[accounts];
            BigInteger fees = 0;
            foreach (var ledger in ledgers)
            {
                ledger.Track(spec);
                ledger.Deposit(1_000_000_000_000);
            }
            var events = new EventBuffer();
            for (var i = 0; i < scenario.Commands.Length; i++)
            {
                var command = scenario.Commands[i];
                // An order with a client order id counts as pending from the moment it is sent.
                AccountLedger? owner = null;
                string? cid = null;
                if (command is PlaceCommand { Order: var order } && order.AccountId is >= 1 and <= accounts && order.ClientOrderId is { } c)
                {
                    (owner, cid) = (ledgers[order.AccountId - 1], c);
                    owner.Find(spec.Symbol)!.AddPending(c, new WorkingOrder(order.Side, order.Price, order.Size, (order.Flags & OrderFlags.ReduceOnly) != 0));
                }

                events.Clear();
                command.ApplyTo(book, Scenario.TimestampOf(i), events);

                foreach (var e in events.Events)
                    if (e.Kind == EventKind.TradeExecuted)
                    {
                        var notional = Notional(e.Price, e.Size, spec.NotionalPerTickLot);
                        fees += ExpectedFee(notional, spec.RiskTerms.TakerFeeBps) + ExpectedFee(notional, spec.RiskTerms.MakerFeeBps);
                    }
                // The caller drops a pending order the market refused (it never became an accepted order).
                if (owner is not null && cid is not null
                    && !events.ToArray().Any(e => e.Kind == EventKind.OrderAccepted && e.AccountId == owner.AccountId && e.ClientOrderId == cid))
                    owner.Find(spec.Symbol)!.RemovePending(cid);

                for (var a = 0; a < accounts; a++)
                {
                    var id = ledgers[a].AccountId;
                    var batch = events.ToArray().Where(e => e.Kind is not (EventKind.OrderRejected or EventKind.ModeChanged or EventKind.AuctionUncrossed)
                        && (e.AccountId == id || EventKinds.CounterpartyOf(e) == id || e.Kind == EventKind.FundingApplied)).ToArray();
                    if (batch.Length == 0) continue;
                    Assert.True(ledgers[a].Apply(spec.Symbol, previous[a], batch));
                    var once = State(ledgers[a]);
                    Assert.True(ledgers[a].Apply(spec.Symbol, previous[a], batch));
                    Assert.Equal(once, State(ledgers[a]));
                    previous[a] = batch[^1].Sequence;
                }

                for (var a = 0; a < accounts; a++)
                {
                    var exposure = ledgers[a].Find(spec.Symbol)!;
                    Assert.Equal(0, exposure.PendingCount);
                    var resting = book.RestingOrders(Side.Buy).Concat(book.RestingOrders(Side.Sell))
                        .Where(o => o.AccountId == ledgers[a].AccountId).OrderBy(o => o.OrderId)
                        .Select(o => $"{o.OrderId} {o.Side} {o.Remaining}@{o.Price} {(o.Flags & OrderFlags.ReduceOnly) != 0}");
                    var open = exposure.OpenOrders.OrderBy(kv => kv.Key)
                        .Select(kv => $"{kv.Key} {kv.Value.Side} {kv.Value.Remaining}@{kv.Value.Price} {kv.Value.ReduceOnly}");
                    Assert.Equal(string.Join("; ", resting), string.Join("; ", open));
                }
                Assert.Equal(0, ledgers.Sum(l => l.Find(spec.Symbol)!.Position.Size));
                foreach (var mark in new long[] { 1, 100, 200 })
                {
                    var equity = ledgers.Aggregate(BigInteger.Zero, (sum, l) => sum + l.Equity(Marks(mark)));
                    // Funding's rounding stays with the venue: the sum of what accounts paid net of what they received.
                    Assert.Equal(accounts * (BigInteger)1_000_000_000_000, equity + fees + ledgers.Sum(l => l.FundingPaid));
                }
            }
        }, iter: 300, print: s => s.ToString());
    }

    [Fact]
    public void Rebates_and_charges_of_one_trade_by_hand()
    {
        // K = 1,000,001 micro-USD per tick-lot (odd, so fees do not divide evenly); taker 5 bps, maker -2 bps.
        // 1 lot at 1 tick: notional 1,000,001. Taker pays 500.0005 -> 501; maker receives 200.0002 -> 200.
        var spec = Spec("ODD", 1_000_001, new MarketRisk(-2, 5, MarketRisk.Default.Tiers));
        var taker = new AccountLedger(1);
        var maker = new AccountLedger(2);
        foreach (var l in new[] { taker, maker }) { l.Track(spec); l.Deposit(10_000_000); }
        var trade = MarketEvent.Trade(1, 0, 10, 1, Side.Buy, 11, 2, price: 1, size: 1, 0, 0);
        Assert.True(taker.Apply(spec.Symbol, 0, [trade]));
        Assert.True(maker.Apply(spec.Symbol, 0, [trade]));
        Assert.Equal((501L, 10_000_000L - 501), (taker.FeesPaid, taker.Collateral));
        Assert.Equal((-200L, 10_000_000L + 200), (maker.FeesPaid, maker.Collateral));
        Assert.Equal((1L, -1L), (taker.Find("ODD")!.Position.Size, maker.Find("ODD")!.Position.Size));
        // Venue keeps 301; at any mark the two equities add up to 20,000,000 - 301.
        Assert.Equal(20_000_000 - 301, taker.Equity(Marks(7)) + maker.Equity(Marks(7)));
    }
}
