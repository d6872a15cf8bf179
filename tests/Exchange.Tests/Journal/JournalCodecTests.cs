using CsCheck;
using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Tests.Journal;

public sealed class JournalCodecTests
{
    // ── Round trips ───────────────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Entries_round_trip() =>
        JournalGen.Entries.Sample(entries =>
            JournalAssert.Equal(entries, JournalCodec.DecodeEntries(JournalCodec.EncodeEntries(entries))), iter: 3_000);

    [Fact]
    public void Snapshots_round_trip() =>
        JournalGen.Snapshot.Sample(snapshot =>
            JournalAssert.Equal(snapshot, JournalCodec.DecodeSnapshot(JournalCodec.EncodeSnapshot(snapshot))), iter: 2_000);

    [Fact]
    public void Every_event_kind_round_trips_with_extreme_values()
    {
        var order = new PlaceOrder(long.MaxValue, Side.Sell, OrderType.Market, long.MinValue, long.MinValue,
            TimeInForce.FillOrKill, OrderFlags.PostOnly | OrderFlags.ReduceOnly, SelfTradePrevention.CancelBoth, "ünïcødé-🚀");
        MarketEvent[] events =
        [
            MarketEvent.Accepted(long.MaxValue, long.MinValue, long.MaxValue, order, long.MinValue),
            MarketEvent.Rejected(long.MaxValue, long.MaxValue, long.MinValue, RejectReason.InvalidMode, "", long.MaxValue),
            MarketEvent.Rejected(long.MaxValue, 0, 0, RejectReason.None),
            MarketEvent.Trade(long.MinValue, long.MaxValue, long.MinValue, long.MaxValue, Side.Sell, long.MinValue,
                long.MaxValue, long.MinValue, long.MaxValue, long.MinValue, long.MaxValue),
            MarketEvent.Cancelled(0, long.MinValue, -1, -1, Side.Sell, long.MaxValue, long.MinValue, CancelReason.SelfTradePrevention),
            MarketEvent.Amended(long.MaxValue, 1, long.MinValue, long.MaxValue, Side.Buy, -1, 1, long.MinValue, long.MaxValue),
            MarketEvent.ModeSwitched(long.MinValue, long.MaxValue, MarketMode.Auction, MarketMode.Halted),
            MarketEvent.Uncrossed(long.MinValue, long.MinValue, long.MaxValue, long.MinValue),
        ];
        JournalEntry[] entries =
        [
            new(new PlaceCommand(order), long.MaxValue, events),
            new(new UncrossCommand(long.MinValue), long.MinValue, []),
            new(new AmendCommand(new AmendOrder(long.MinValue, long.MaxValue, null, long.MinValue, long.MaxValue)), 0, events),
        ];
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(JournalCodec.EncodeEntries(entries)));
    }

    [Fact]
    public void An_empty_list_round_trips()
    {
        Assert.Empty(JournalCodec.DecodeEntries(JournalCodec.EncodeEntries([])));
        var empty = new BookSnapshot(MarketMode.Open, 0, 1, [], [], []);
        JournalAssert.Equal(empty, JournalCodec.DecodeSnapshot(JournalCodec.EncodeSnapshot(empty)));
    }

    [Fact]
    public void A_rejection_keeps_the_sequence_it_was_judged_against()
    {
        // Rejections repeat the last sequence; the next state change moves on from it.
        JournalEntry[] entries =
        [
            new(new CancelAllCommand(0), 500, [MarketEvent.Rejected(41, 500, 0, RejectReason.InvalidAccount)]),
            new(new SetModeCommand(MarketMode.Halted), 510,
                [MarketEvent.Rejected(41, 510, 0, RejectReason.InvalidMode), MarketEvent.ModeSwitched(42, 510, MarketMode.Halted, MarketMode.Open)]),
            new(new SetModeCommand(MarketMode.Halted), 505, [MarketEvent.Rejected(42, 505, 0, RejectReason.InvalidMode)]),
        ];
        var decoded = JournalCodec.DecodeEntries(JournalCodec.EncodeEntries(entries));
        JournalAssert.Equal(entries, decoded);
        Assert.Equal(new long[] { 41, 41, 42, 42 }, decoded.SelectMany(e => e.Events).Select(e => e.Sequence));
    }

    [Fact]
    public void Null_and_empty_client_order_ids_stay_distinct()
    {
        JournalEntry[] withNull = [new(new CancelCommand(new CancelOrder(1, 2, null)), 0, [])];
        JournalEntry[] withEmpty = [new(new CancelCommand(new CancelOrder(1, 2, "")), 0, [])];
        var nullBytes = JournalCodec.EncodeEntries(withNull);
        var emptyBytes = JournalCodec.EncodeEntries(withEmpty);
        Assert.NotEqual(nullBytes, emptyBytes);
        Assert.Null(((CancelCommand)JournalCodec.DecodeEntries(nullBytes)[0].Command).Cancel.ClientOrderId);
        Assert.Equal("", ((CancelCommand)JournalCodec.DecodeEntries(emptyBytes)[0].Command).Cancel.ClientOrderId);
    }

    // ── The format itself: these bytes are what version 1 means, forever ─────────────────────────────────

    [Fact]
    public void Entries_have_the_documented_layout()
    {
        var order = new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 5, ClientOrderId: "a1");
        JournalEntry[] entries =
        [
            new(new PlaceCommand(order), 1000,
            [
                MarketEvent.Accepted(1, 1000, 3, order, 100),
                MarketEvent.Trade(2, 1000, 3, 7, Side.Buy, 2, 9, 100, 2, 3, 0),
            ]),
            new(new CancelCommand(new CancelOrder(7, 3)), 1010,
                [MarketEvent.Cancelled(3, 1010, 3, 7, Side.Buy, 100, 3, CancelReason.Requested)]),
            new(new CancelAllCommand(0), 1010, [MarketEvent.Rejected(3, 1010, 0, RejectReason.InvalidAccount)]),
        ];
        const string expected =
            "01 45 03" +
            " 01 0E 00 00 C801 0A 00 00 00 03 61 31 D00F 02" +   // place a1: account 7, buy limit 100 x 5; ts 1000; 2 events
            " 00 02 00 06 0E 00 00 C801 0A 00 00 00 03 61 31" +  // accepted: seq +1, ts +0, order 3, ...
            " 02 02 00 06 0E 04 12 00 C801 04 06 00" +            // trade: seq +1, taker 3/7, maker 2/9, buy, 100 x 2, 3 and 0 left
            " 02 0E 06 00 14 01" +                                // cancel 7/3, no client id; ts +10; 1 event
            " 03 02 00 06 0E 00 C801 06 01" +                     // cancelled: seq +1, 3/7 buy 100, size 3, requested
            " 04 00 00 01" +                                      // cancel all account 0; ts +0; 1 event
            " 01 00 00 00 01 00 00";                              // rejected: seq +0, account 0, invalid account, no id, order 0
        var bytes = JournalCodec.EncodeEntries(entries);
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(bytes));
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(bytes));
    }

    [Fact]
    public void Snapshots_have_the_documented_layout()
    {
        var snapshot = new BookSnapshot(MarketMode.Auction, 42, 10,
            [
                new OrderView(3, 7, Side.Buy, 100, 5, 1, TimeInForce.GoodTillCancel, OrderFlags.PostOnly,
                    SelfTradePrevention.CancelMaker, "x", 1000),
                new OrderView(4, 8, Side.Buy, 99, 2, 0, TimeInForce.GoodTillCancel, OrderFlags.None,
                    SelfTradePrevention.CancelTaker, null, 1005),
            ],
            [],
            [new ClientOrderIdEntry(7, "x", 3)],
            LastTradePrice: 101);
        const string expected =
            "01 53 04 54 14 CA01" +                         // auction, sequence 42, next order id 10, last trade 101
            " 02 06 0E 00 C801 0A 02 00 01 01 02 78 D00F" + // 2 bids: 3/7 buy at 100, 5 left, 1 filled, GTC post-only, "x", 1000
            " 08 10 00 01 04 00 00 00 00 00 0A" +           //   4/8 buy at 100-1, 2 left, no id, accepted 1000+5
            " 00" +                                         // no asks
            " 01 0E 02 78 06";                              // client order id (7, "x") -> 3
        var bytes = JournalCodec.EncodeSnapshot(snapshot);
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(bytes));
        JournalAssert.Equal(snapshot, JournalCodec.DecodeSnapshot(bytes));
    }

    [Fact]
    public void Index_ticks_have_the_documented_version_3_layout()
    {
        JournalEntry[] entries =
        [
            new(new ApplyIndexCommand(new IndexTick(640, Exchange.Pricing.IndexStatus.Fresh, 1000, 5)), 2000,
            [
                MarketEvent.IndexSet(5, 2000, 640, 600, Exchange.Pricing.IndexStatus.Fresh),
                MarketEvent.MarkSet(6, 2000, 641, 639),
            ]),
        ];
        const string expected =
            "03 45 01" +                  // version 3, entries, 1 entry
            " 09 800A 02 D00F 0A 00" +    // apply index: 640 ticks, fresh, as of 1000, horizon sigma 5 ppm, from the oracle
            " A01F 02" +                  // ts 2000; 2 events
            " 09 0A 00 800A B009 02" +    // index set: seq +5, ts +0, 640 (was 600), fresh
            " 07 02 00 820A FE09";        // mark set: seq +1, ts +0, 641 (was 639)
        var bytes = JournalCodec.EncodeEntries(entries);
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(bytes));
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(bytes));
    }

    [Fact]
    public void Breaker_rules_have_the_documented_version_3_layout()
    {
        var rules = new BreakerRules(500, 300, 60_000);
        JournalEntry[] entries = [new(new SetBreakerRulesCommand(rules), 2000, [MarketEvent.BreakerSet(7, 2000, rules)])];
        const string expected =
            "03 45 01" +                  // version 3, entries, 1 entry
            " 0A E807 D804 C0A907" +      // set breaker rules: band 500 bps, velocity 300 bps within 60000 ms
            " A01F 01" +                  // ts 2000; 1 event
            " 0A 0E 00 E807 D804 C0A907"; // breaker rules changed: seq +7, ts +0, the same rules
        var bytes = JournalCodec.EncodeEntries(entries);
        Assert.Equal(expected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(bytes));
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(bytes));

        var terms = new MarketTerms(0, new MarketRisk(1, 2, [new MarginTier(0, 100, 50)]), new ModeCause(ModeActor.Breaker, "b"), 9,
            Breaker: rules);
        var snapshot = new BookSnapshot(MarketMode.Auction, 42, 10, [], [], [], 101, terms, [new RecentTrade(1000, 100), new RecentTrade(1010, 101)]);
        const string snapshotExpected =
            "03 53 04 54 14 CA01" +       // version 3, snapshot: auction, sequence 42, next order id 10, last trade 101
            " 00 02 04 01 00 C801 64" +   // terms: no mark; maker 1, taker 2 bps, 1 tier (0, 100, 50)
            " 01 02 62 12" +              //   mode by the breaker, "b"; market-wide sequence 9
            " 02 E807 D804 C0A907" +      //   parts: breaker only (no index); its rules
            " 02 D00F C801 14 CA01" +     // 2 recent trades: 100 at 1000, 101 at 1000+10
            " 00 00 00";                  // no bids, asks or client order ids
        var snapshotBytes = JournalCodec.EncodeSnapshot(snapshot);
        Assert.Equal(snapshotExpected.Replace(" ", "", StringComparison.Ordinal), Convert.ToHexString(snapshotBytes));
        JournalAssert.Equal(snapshot, JournalCodec.DecodeSnapshot(snapshotBytes));
    }

    [Fact]
    public void Breaker_rules_exist_only_from_version_3()
    {
        // A version 2 payload with command kind 10, or an event of kind BreakerRulesChanged, is not one any build wrote.
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(Convert.FromHexString("0245010A000000000000")));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(Convert.FromHexString("024501040200010A000000000000")));
        // Unknown parts of a version 3 snapshot's terms are refused.
        var terms = new MarketTerms(0, MarketRisk.Default, ModeCause.Operator, Breaker: new BreakerRules(1));
        var bytes = JournalCodec.EncodeSnapshot(new BookSnapshot(MarketMode.Open, 1, 1, [], [], [], 0, terms));
        // From the end: parts, the rules (band 1, no velocity), no recent trades, no bids, asks or client order ids.
        Assert.Equal("0202000000000000", Convert.ToHexString(bytes[^8..]));
        bytes[^8] = 0x06;
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(bytes));
        // Recent trades without terms cannot be written.
        Assert.Throws<ArgumentException>(() => JournalCodec.EncodeSnapshot(new BookSnapshot(MarketMode.Open, 1, 1, [], [], [], 0, null, [new RecentTrade(1, 1)])));
    }

    [Fact]
    public void A_snapshot_with_positions_or_open_interest_caps_is_version_5_and_an_older_one_reads_as_positions_unknown()
    {
        var terms = new MarketTerms(5, MarketRisk.Default, ModeCause.Operator);
        var plain = new BookSnapshot(MarketMode.Open, 1, 1, [], [], [], 0, terms);
        var older = JournalCodec.EncodeSnapshot(plain);
        Assert.Equal(2, older[0]);
        Assert.Null(JournalCodec.DecodeSnapshot(older).Positions);

        var capped = plain with { Terms = terms with { OpenInterest = new Exchange.Risk.OpenInterestLimits(40, 4) } };
        var bytes = JournalCodec.EncodeSnapshot(capped);
        Assert.Equal(5, bytes[0]);
        Assert.Equal(new Exchange.Risk.OpenInterestLimits(40, 4), JournalCodec.DecodeSnapshot(bytes).Terms!.OpenInterest);
        Assert.Equal([], JournalCodec.DecodeSnapshot(bytes).Positions!);

        var holding = plain with { Positions = [new PositionEntry(3, 7), new PositionEntry(8, -7)] };
        bytes = JournalCodec.EncodeSnapshot(holding);
        Assert.Equal(5, bytes[0]);
        JournalAssert.Equal(holding, JournalCodec.DecodeSnapshot(bytes));
        // The terms parts byte of version 4 stops at bit 3: the caps' bit 4 in a version-4 payload is refused.
        var asFour = JournalCodec.EncodeSnapshot(capped);
        asFour[0] = 4;
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(asFour));
        // Positions out of order, or zero, are refused both ways.
        Assert.Throws<ArgumentException>(() => JournalCodec.EncodeSnapshot(plain with { Positions = [new PositionEntry(8, 1), new PositionEntry(3, -1)] }));
        Assert.Throws<ArgumentException>(() => JournalCodec.EncodeSnapshot(plain with { Positions = [new PositionEntry(3, 0)] }));
    }

    [Fact]
    public void Payloads_without_an_index_are_still_written_in_the_older_versions()
    {
        var marked = JournalCodec.EncodeEntries([new(new SetMarkPriceCommand(5), 1, [MarketEvent.MarkSet(1, 1, 5, 0)])]);
        Assert.Equal(2, marked[0]);
        var terms = new MarketTerms(5, MarketRisk.Default, ModeCause.Operator);
        var snapshot = new BookSnapshot(MarketMode.Open, 1, 1, [], [], [], 0, terms);
        Assert.Equal(2, JournalCodec.EncodeSnapshot(snapshot)[0]);
        var following = snapshot with { Terms = terms with { Index = IndexState.Initial(terms) } };
        Assert.Equal(3, JournalCodec.EncodeSnapshot(following)[0]);
        JournalAssert.Equal(following, JournalCodec.DecodeSnapshot(JournalCodec.EncodeSnapshot(following)));
        var banded = snapshot with { Terms = terms with { Breaker = new BreakerRules(500) } };
        Assert.Equal(3, JournalCodec.EncodeSnapshot(banded)[0]);
        // A trip is an ordinary mode change (version 2); only the rules' own command and event need version 3.
        var trip = JournalCodec.EncodeEntries([new(new PlaceCommand(new PlaceOrder(1, Side.Sell, OrderType.Market, 0, 5)), 1,
            [MarketEvent.ModeSwitched(1, 1, MarketMode.Auction, MarketMode.Open, new ModeCause(ModeActor.Breaker, "band: 90 outside 95 to 105 around 100"))])]);
        Assert.Equal(2, trip[0]);
    }

    private static readonly ConditionalTerms SampleConditional = new(TriggerKind.TrailingStop, TriggerSource.LastPrice, 0, 150,
        new PlaceOrder(7, Side.Sell, OrderType.Limit, 90, 5, TimeInForce.ImmediateOrCancel, OrderFlags.ReduceOnly, ClientOrderId: "sl-1"));

    public static TheoryData<EventKind> EveryEventKind => new(Enum.GetValues<EventKind>());

    /// <summary>One event of each kind and the version a payload holding it is written in (a new kind adds its row).</summary>
    private static (MarketEvent Event, byte Version) SampleOf(EventKind kind) => kind switch
    {
        EventKind.OrderAccepted => (MarketEvent.Accepted(1, 1, 3, new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 5), 100), 1),
        EventKind.OrderRejected => (MarketEvent.Rejected(0, 1, 7, RejectReason.InvalidAccount, "a1", 3), 1),
        EventKind.TradeExecuted => (MarketEvent.Trade(1, 1, 3, 7, Side.Buy, 2, 9, 100, 2, 3, 0), 1),
        EventKind.OrderCancelled => (MarketEvent.Cancelled(1, 1, 3, 7, Side.Buy, 100, 3, CancelReason.Requested), 1),
        EventKind.OrderAmended => (MarketEvent.Amended(1, 1, 3, 7, Side.Buy, 101, 4, 100, 5), 1),
        EventKind.ModeChanged => (MarketEvent.ModeSwitched(1, 1, MarketMode.Auction, MarketMode.Open), 2),
        EventKind.AuctionUncrossed => (MarketEvent.Uncrossed(1, 1, 100, 5), 1),
        EventKind.MarkPriceSet => (MarketEvent.MarkSet(1, 1, 100, 0), 2),
        EventKind.RiskChanged => (MarketEvent.RiskSet(1, 1, MarketRisk.Default), 2),
        EventKind.IndexPriceSet => (MarketEvent.IndexSet(1, 1, 100, 0, Exchange.Pricing.IndexStatus.Fresh), 3),
        EventKind.BreakerRulesChanged => (MarketEvent.BreakerSet(1, 1, new BreakerRules(500)), 3),
        EventKind.ConditionalAccepted => (MarketEvent.ConditionalPlaced(1, 1, new ConditionalOrder(4, SampleConditional, 0, 0)), 4),
        EventKind.ConditionalCancelled => (MarketEvent.ConditionalRemoved(1, 1,
            new ConditionalOrder(4, SampleConditional with { Kind = default, Source = default, TriggerPrice = 0, CallbackBps = 0,
                Order = new PlaceOrder(7, Side.Sell, default, 0, 5, ClientOrderId: "sl-1") }, 0, 0), CancelReason.Requested), 4),
        EventKind.ConditionalTriggered => (MarketEvent.ConditionalFired(1, 1, 4, SampleConditional.Order, 95, 96), 4),
        EventKind.LiquidationRulesChanged => (MarketEvent.LiquidationSet(1, 1, new Exchange.Risk.LiquidationRules(99, 50, 10, 1_000, 2_000)), 4),
        EventKind.PositionTakenOver => (MarketEvent.Transferred(EventKind.PositionTakenOver, 1, 1, 7, 99, Side.Sell, 95, 3), 4),
        EventKind.PositionDeleveraged => (MarketEvent.Transferred(EventKind.PositionDeleveraged, 1, 1, 7, 8, Side.Buy, 105, 2), 4),
        EventKind.LiquidationFeeCharged => (MarketEvent.FeeCharged(1, 1, 7, 99, 1_234), 4),
        EventKind.FundingApplied => (MarketEvent.Funded(1, 1, 100, -12, 3_600_000, 3_600_000), 4),
        EventKind.OpenInterestLimitsChanged => (MarketEvent.OpenInterestSet(1, 1, new Exchange.Risk.OpenInterestLimits(1_000, 0)), 5),
        _ => throw new InvalidOperationException($"no sample of {kind}: add one, with the version it is first written in"),
    };

    [Theory]
    [MemberData(nameof(EveryEventKind))]
    public void Every_event_kind_is_written_in_the_oldest_version_that_holds_it(EventKind kind)
    {
        var (sample, version) = SampleOf(kind);
        JournalEntry[] entries = [new(new UncrossCommand(100), 1, [sample])];
        var bytes = JournalCodec.EncodeEntries(entries);
        Assert.Equal(version, bytes[0]);
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(bytes));
        if (kind == EventKind.ModeChanged)
        {
            // Version 1 held mode changes without a cause (the last two bytes: actor, no reason): read as the operator's.
            var older = bytes[..^2];
            older[0] = 1;
            JournalAssert.Equal(entries, JournalCodec.DecodeEntries(older));
            return;
        }
        for (byte older = 1; older < version; older++)
        {
            bytes[0] = older;
            var e = Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(bytes));
            Assert.Contains(kind.ToString(), e.Message, StringComparison.Ordinal);
        }
    }

    public static TheoryData<string> EveryCommandType => new(typeof(MarketCommand).Assembly.GetTypes()
        .Where(t => !t.IsAbstract && t.IsSubclassOf(typeof(MarketCommand))).Select(t => t.Name).Order(StringComparer.Ordinal));

    /// <summary>
    /// One command of each type, the version a payload holding it is written in, and the oldest version that holds
    /// it at all (a new command adds its row).
    /// </summary>
    private static (MarketCommand Command, byte Version, byte ReadableSince) CommandSampleOf(string type) => type switch
    {
        nameof(PlaceCommand) => (new PlaceCommand(new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 5, ClientOrderId: "a1")), 1, 1),
        nameof(CancelCommand) => (new CancelCommand(new CancelOrder(7, 3, "a1")), 1, 1),
        nameof(AmendCommand) => (new AmendCommand(new AmendOrder(7, 3, null, 101, 4, ExpectedRemaining: 5)), 3, 1),
        nameof(CancelAllCommand) => (new CancelAllCommand(7), 1, 1),
        nameof(SetModeCommand) => (new SetModeCommand(MarketMode.Halted, new ModeCause(ModeActor.Breaker, "band")), 2, 1),
        nameof(PlaceConditionalCommand) => (new PlaceConditionalCommand(SampleConditional), 4, 4),
        nameof(CancelConditionalCommand) => (new CancelConditionalCommand(7, 4, "sl-1"), 4, 4),
        nameof(UncrossCommand) => (new UncrossCommand(100), 1, 1),
        nameof(SetMarkPriceCommand) => (new SetMarkPriceCommand(100), 2, 2),
        nameof(SetRiskCommand) => (new SetRiskCommand(MarketRisk.Default), 2, 2),
        nameof(ApplyIndexCommand) => (new ApplyIndexCommand(new IndexTick(100, Exchange.Pricing.IndexStatus.Fresh, 5, 7, default)), 3, 3),
        nameof(SetBreakerRulesCommand) => (new SetBreakerRulesCommand(new BreakerRules(500)), 3, 3),
        nameof(SetLiquidationRulesCommand) => (new SetLiquidationRulesCommand(new Exchange.Risk.LiquidationRules(99, 50, 10, 1_000, 2_000)), 4, 4),
        nameof(TransferPositionCommand) => (new TransferPositionCommand(
            new Exchange.Risk.PositionTransfer(Exchange.Risk.PositionTransferKind.Takeover, 7, 99, Side.Sell, 95, 3)), 4, 4),
        nameof(ChargeLiquidationFeeCommand) => (new ChargeLiquidationFeeCommand(7, 1_234), 4, 4),
        nameof(ApplyFundingCommand) => (new ApplyFundingCommand(3_600_000, 3_600_000), 4, 4),
        nameof(ReopenCommand) => (new ReopenCommand(100, new ModeCause(ModeActor.Breaker, "reopened")), 4, 4),
        nameof(SetOpenInterestLimitsCommand) => (new SetOpenInterestLimitsCommand(new Exchange.Risk.OpenInterestLimits(0, 25)), 5, 5),
        _ => throw new InvalidOperationException($"no sample of {type}: add one, with the version it is first written in"),
    };

    [Theory]
    [MemberData(nameof(EveryCommandType))]
    public void Every_command_is_written_in_the_oldest_version_that_holds_it(string type)
    {
        var (command, version, readableSince) = CommandSampleOf(type);
        JournalEntry[] entries = [new(command, 1, [])];
        var bytes = JournalCodec.EncodeEntries(entries);
        Assert.Equal(version, bytes[0]);
        JournalAssert.Equal(entries, JournalCodec.DecodeEntries(bytes));
        for (byte older = 1; older < readableSince; older++)
        {
            bytes[0] = older;
            Assert.Contains("command kind", Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(bytes)).Message,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Encoding_allocates_nothing_per_event_beyond_its_result()
    {
        var order = new PlaceOrder(7, Side.Buy, OrderType.Limit, 100, 5);
        var events = new MarketEvent[1000];
        for (var i = 0; i < events.Length; i++)
            events[i] = (i % 4) switch
            {
                0 => MarketEvent.Accepted(i, 1, i, order, 100),
                1 => MarketEvent.Trade(i, 1, i, 7, Side.Buy, 2, 9, 100, 2, 3, 0),
                2 => MarketEvent.ModeSwitched(i, 1, MarketMode.Auction, MarketMode.Open),
                _ => MarketEvent.RiskSet(i, 1, MarketRisk.Default),
            };
        JournalEntry[] entries = [new(new PlaceCommand(order), 1, events), new(new AmendCommand(new AmendOrder(7, 3, null, 101, 4)), 2, events)];
        for (var i = 0; i < 3; i++) JournalCodec.EncodeEntries(entries);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var bytes = JournalCodec.EncodeEntries(entries);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // The result array and its header; nothing that grows with the number of events.
        Assert.InRange(allocated - bytes.Length, 0, 64);
    }

    // ── Refusing bad payloads ─────────────────────────────────────────────────────────────────────────────

    [Fact]
    public void Every_prefix_of_an_entries_payload_throws() =>
        JournalGen.Entries.Sample(entries =>
        {
            var bytes = JournalCodec.EncodeEntries(entries);
            for (var length = 0; length < bytes.Length; length++)
                Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(bytes.AsSpan(0, length)));
        }, iter: 200);

    [Fact]
    public void Every_prefix_of_a_snapshot_payload_throws() =>
        JournalGen.Snapshot.Sample(snapshot =>
        {
            var bytes = JournalCodec.EncodeSnapshot(snapshot);
            for (var length = 0; length < bytes.Length; length++)
                Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(bytes.AsSpan(0, length)));
        }, iter: 200);

    [Fact]
    public void Any_other_version_byte_throws()
    {
        var entries = JournalCodec.EncodeEntries([new(new CancelAllCommand(1), 0, [])]);
        var snapshot = JournalCodec.EncodeSnapshot(new BookSnapshot(MarketMode.Open, 0, 1, [], [], []));
        for (var version = 0; version < 256; version++)
        {
            if (JournalCodec.ReadableVersions.Contains((byte)version)) continue;
            entries[0] = snapshot[0] = (byte)version;
            var e = Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(entries));
            Assert.Contains("version", e.Message, StringComparison.Ordinal);
            Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(snapshot));
        }
    }

    [Fact]
    public void Entries_and_snapshots_cannot_be_read_as_each_other()
    {
        var entries = JournalCodec.EncodeEntries([]);
        var snapshot = JournalCodec.EncodeSnapshot(new BookSnapshot(MarketMode.Open, 0, 1, [], [], []));
        Assert.Contains("snapshot", Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(snapshot)).Message,
            StringComparison.Ordinal);
        Assert.Contains("entries", Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(entries)).Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_throw()
    {
        var entries = JournalCodec.EncodeEntries([new(new UncrossCommand(5), 0, [])]);
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries([.. entries, 0]));
        var snapshot = JournalCodec.EncodeSnapshot(new BookSnapshot(MarketMode.Open, 0, 1, [], [], []));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot([.. snapshot, 0]));
    }

    // 0x7F is no value of any of these enums (they may gain values, appended, but not a hundred of them).
    [Theory]
    [InlineData("01 45 01 05 7F 00 00", "MarketMode")]                  // set mode
    [InlineData("01 45 01 01 02 7F 00 00 02 00 00 00 00 00 00", "Side")] // place: account 1, side, type, price, size, tif, flags, stp, id
    [InlineData("01 45 01 01 02 00 7F 00 02 00 00 00 00 00 00", "OrderType")]
    [InlineData("01 45 01 01 02 00 00 00 02 7F 00 00 00 00 00", "TimeInForce")]
    [InlineData("01 45 01 01 02 00 00 00 02 00 08 00 00 00 00", "OrderFlags")] // an undeclared bit
    [InlineData("01 45 01 01 02 00 00 00 02 00 00 7F 00 00 00", "SelfTradePrevention")]
    [InlineData("01 45 01 04 02 00 01 7F 00 00 00 00", "EventKind")]   // cancel all, one event
    [InlineData("01 45 01 04 02 00 01 01 00 00 00 7F 00 00", "RejectReason")]
    [InlineData("01 45 01 04 02 00 01 03 00 00 00 00 00 00 00 7F", "CancelReason")]
    [InlineData("01 45 01 04 02 00 01 05 00 00 00 7F", "MarketMode")]
    [InlineData("01 45 01 00 02 00 00", "command kind")]              // command kind 0
    [InlineData("01 45 01 7F 02 00 00", "command kind")]
    [InlineData("01 53 7F 00 00 00 00 00", "MarketMode")]
    [InlineData("01 53 00 00 00 00 01 00 00 7F 00 00 00 00 00 00 00 00 00", "Side")]
    public void Undefined_enum_and_kind_values_throw(string hex, string mentioned)
    {
        var bytes = Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));
        var e = bytes[1] == 'E'
            ? Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(bytes))
            : Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(bytes));
        Assert.Contains(mentioned, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_order_id_entry_without_an_id_throws() =>
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(Convert.FromHexString("0153000000000001020000")));

    [Fact]
    public void Huge_counts_throw_instead_of_allocating()
    {
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(Convert.FromHexString("0145FFFFFFFF07")));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeEntries(Convert.FromHexString("0145010400 00 FFFFFFFF07".Replace(" ", "", StringComparison.Ordinal))));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeSnapshot(Convert.FromHexString("0153000000FFFFFFFFFFFFFFFFFF01")));
    }

    [Fact]
    public void Corrupted_payloads_throw_only_JournalFormatException()
    {
        // A corrupted payload may still happen to be well formed; what it must never do is fail in another way.
        var gen = Gen.Select(JournalGen.Entries, JournalGen.Snapshot, Gen.Int[0, int.MaxValue], Gen.Byte, Gen.Int[0, 2]);
        gen.Sample((entries, snapshot, at, value, how) =>
        {
            DecodeOrFormatError(Corrupt(JournalCodec.EncodeEntries(entries), at, value, how), b => JournalCodec.DecodeEntries(b));
            DecodeOrFormatError(Corrupt(JournalCodec.EncodeSnapshot(snapshot), at, value, how), b => JournalCodec.DecodeSnapshot(b));
        }, iter: 3_000);
    }

    [Fact]
    public void Random_bytes_after_a_valid_header_throw_only_JournalFormatException() =>
        Gen.Select(Gen.Byte.Array[0, 80], Gen.Bool).Sample((tail, entries) =>
        {
            if (entries) DecodeOrFormatError([JournalCodec.FormatVersion, (byte)'E', .. tail], b => JournalCodec.DecodeEntries(b));
            else DecodeOrFormatError([JournalCodec.FormatVersion, (byte)'S', .. tail], b => JournalCodec.DecodeSnapshot(b));
        }, iter: 5_000);

    private static byte[] Corrupt(byte[] bytes, int at, byte value, int how)
    {
        var i = at % bytes.Length;
        return how switch
        {
            0 => [.. bytes[..i], value, .. bytes[(i + 1)..]],  // replace a byte
            1 => [.. bytes[..i], value, .. bytes[i..]],        // insert a byte
            _ => [.. bytes[..i], .. bytes[(i + 1)..]],         // drop a byte
        };
    }

    private static void DecodeOrFormatError(byte[] bytes, Action<byte[]> decode)
    {
        try { decode(bytes); }
        catch (JournalFormatException) { }
    }

    // ── Refusing what could not be read back exactly ─────────────────────────────────────────────────────

    [Fact]
    public void Undefined_enum_values_are_refused_when_encoding()
    {
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries([new(new SetModeCommand((MarketMode)200), 0, [])]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries(
            [new(new PlaceCommand(new PlaceOrder(1, Side.Buy, OrderType.Limit, 1, 1, Flags: (OrderFlags)8)), 0, [])]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries(
            [new(new CancelAllCommand(1), 0, [MarketEvent.Rejected(0, 0, 1, (RejectReason)200)])]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries(
            [new(new CancelAllCommand(1), 0, [new MarketEvent { Kind = (EventKind)200 }])]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeSnapshot(new BookSnapshot((MarketMode)200, 0, 1, [], [], [])));
    }

    [Fact]
    public void An_event_with_a_field_its_kind_does_not_carry_is_refused()
    {
        var stray = MarketEvent.Uncrossed(1, 0, 100, 5) with { AccountId = 3 };
        var e = Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries([new(new UncrossCommand(100), 0, [stray])]));
        Assert.Contains("AuctionUncrossed", e.Message, StringComparison.Ordinal);
        var accepted = MarketEvent.Accepted(1, 0, 1, new PlaceOrder(1, Side.Buy, OrderType.Limit, 5, 1), 5) with { Remaining = 1 };
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries([new(new UncrossCommand(100), 0, [accepted])]));
    }

    [Fact]
    public void Strings_that_UTF8_cannot_carry_are_refused() =>
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries(
            [new(new CancelCommand(new CancelOrder(1, 0, "bad\uDC00")), 0, [])]));

    [Fact]
    public void Null_parts_are_refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries([new(null!, 0, [])]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeEntries([new(new CancelAllCommand(1), 0, null!)]));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeSnapshot(
            new BookSnapshot(MarketMode.Open, 0, 1, [], [], [new ClientOrderIdEntry(1, null!, 1)])));
    }
}
