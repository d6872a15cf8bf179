using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Journal;

// The journal form of events: one layout per event kind, and the framing every event shares. Adding a kind is one
// entry in EventLayouts (the version it first appears in, its fields in the order of the format grammar on
// JournalCodec, and its rebuild from those fields), plus its row in EventKinds, its factory on MarketEvent and its
// tests. The codec itself has no per-kind code for events.
public static partial class JournalCodec
{
    /// <summary>Writes the fields of one event kind, after the shared kind, sequence and timestamp.</summary>
    private delegate void EventFieldsWriter(ref VarintWriter w, in MarketEvent e, byte version);

    /// <summary>Reads the fields of one event kind and builds the event with the factory the books use.</summary>
    private delegate MarketEvent EventFieldsReader(ref VarintReader r, byte version, long sequence, long timestamp);

    /// <summary>The event rebuilt from only the fields its kind carries: what decoding will give back.</summary>
    private delegate MarketEvent EventRebuilder(in MarketEvent e);

    /// <summary>
    /// How one event kind is journaled. <paramref name="Since"/> is the first format version that holds the kind: a
    /// payload with such an event is written in at least that version, and an older payload naming the kind is
    /// refused, unless <see cref="ReadableSince"/> names an older version that held the kind with fewer fields
    /// (the reader then gets that version and fills the rest with defaults). The three functions are static
    /// lambdas, allocated once with the table, so encoding and decoding an event allocates nothing beyond the
    /// event's own fields.
    /// </summary>
    private sealed record EventLayout(EventKind Kind, byte Since, EventFieldsWriter Write, EventFieldsReader Read, EventRebuilder Canonical)
    {
        /// <summary>The oldest version whose payloads may hold the kind; <see cref="Since"/> unless set.</summary>
        public byte ReadableSince { get; init; } = Since;
    }

    /// <summary>Every event kind's layout, indexed by the kind's byte (checked once, when the codec is first used).</summary>
    private static readonly EventLayout?[] EventLayouts = IndexEventLayouts(
    [
        new(EventKind.OrderAccepted, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                WriteOrder(ref w, new PlaceOrder(e.AccountId, e.Side, e.OrderType, e.Price, e.Size, e.TimeInForce, e.Flags,
                    e.SelfTradePrevention, e.ClientOrderId));
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var orderId = r.ReadVarInt64();
                var order = ReadOrder(ref r);
                return MarketEvent.Accepted(sequence, timestamp, orderId, order with { Price = 0 }, order.Price);
            },
            static (in MarketEvent e) => MarketEvent.Accepted(e.Sequence, e.Timestamp, e.OrderId,
                new PlaceOrder(e.AccountId, e.Side, e.OrderType, 0, e.Size, e.TimeInForce, e.Flags, e.SelfTradePrevention,
                    e.ClientOrderId), e.Price)),

        new(EventKind.OrderRejected, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.AccountId);
                w.WriteEnum(e.Reject);
                w.WriteString(e.ClientOrderId);
                w.WriteVarInt64(e.OrderId);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var accountId = r.ReadVarInt64();
                var reason = r.ReadEnum<RejectReason>();
                var clientOrderId = r.ReadString();
                var orderId = r.ReadVarInt64();
                return MarketEvent.Rejected(sequence, timestamp, accountId, reason, clientOrderId, orderId);
            },
            static (in MarketEvent e) => MarketEvent.Rejected(e.Sequence, e.Timestamp, e.AccountId, e.Reject, e.ClientOrderId, e.OrderId)),

        new(EventKind.TradeExecuted, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                w.WriteVarInt64(e.AccountId);
                w.WriteVarInt64(e.MakerOrderId);
                w.WriteVarInt64(e.MakerAccountId);
                w.WriteEnum(e.Side);
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.Size);
                w.WriteVarInt64(e.Remaining);
                w.WriteVarInt64(e.MakerRemaining);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var orderId = r.ReadVarInt64();
                var accountId = r.ReadVarInt64();
                var makerOrderId = r.ReadVarInt64();
                var makerAccountId = r.ReadVarInt64();
                var side = r.ReadEnum<Side>();
                var price = r.ReadVarInt64();
                var size = r.ReadVarInt64();
                var remaining = r.ReadVarInt64();
                var makerRemaining = r.ReadVarInt64();
                return MarketEvent.Trade(sequence, timestamp, orderId, accountId, side, makerOrderId, makerAccountId,
                    price, size, remaining, makerRemaining);
            },
            static (in MarketEvent e) => MarketEvent.Trade(e.Sequence, e.Timestamp, e.OrderId, e.AccountId, e.Side,
                e.MakerOrderId, e.MakerAccountId, e.Price, e.Size, e.Remaining, e.MakerRemaining)),

        new(EventKind.OrderCancelled, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                w.WriteVarInt64(e.AccountId);
                w.WriteEnum(e.Side);
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.Size);
                w.WriteEnum(e.CancelReason);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var orderId = r.ReadVarInt64();
                var accountId = r.ReadVarInt64();
                var side = r.ReadEnum<Side>();
                var price = r.ReadVarInt64();
                var size = r.ReadVarInt64();
                var reason = r.ReadEnum<CancelReason>();
                return MarketEvent.Cancelled(sequence, timestamp, orderId, accountId, side, price, size, reason);
            },
            static (in MarketEvent e) => MarketEvent.Cancelled(e.Sequence, e.Timestamp, e.OrderId, e.AccountId, e.Side,
                e.Price, e.Size, e.CancelReason)),

        new(EventKind.OrderAmended, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                w.WriteVarInt64(e.AccountId);
                w.WriteEnum(e.Side);
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.Size);
                w.WriteVarInt64(e.PreviousPrice);
                w.WriteVarInt64(e.PreviousSize);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var orderId = r.ReadVarInt64();
                var accountId = r.ReadVarInt64();
                var side = r.ReadEnum<Side>();
                var price = r.ReadVarInt64();
                var size = r.ReadVarInt64();
                var previousPrice = r.ReadVarInt64();
                var previousSize = r.ReadVarInt64();
                return MarketEvent.Amended(sequence, timestamp, orderId, accountId, side, price, size, previousPrice, previousSize);
            },
            static (in MarketEvent e) => MarketEvent.Amended(e.Sequence, e.Timestamp, e.OrderId, e.AccountId, e.Side,
                e.Price, e.Size, e.PreviousPrice, e.PreviousSize)),

        // Version 1 has no cause: its mode changes read back with the operator as actor and no reason. From
        // version 2 on the cause is written, so a batch with a mode change is written in version 2 at least.
        new(EventKind.ModeChanged, Since: 2,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteEnum(e.Mode);
                w.WriteEnum(e.PreviousMode);
                if (version >= 2) WriteCause(ref w, e.Cause);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var mode = r.ReadEnum<MarketMode>();
                var previous = r.ReadEnum<MarketMode>();
                return MarketEvent.ModeSwitched(sequence, timestamp, mode, previous, version == 1 ? default : ReadCause(ref r));
            },
            static (in MarketEvent e) => MarketEvent.ModeSwitched(e.Sequence, e.Timestamp, e.Mode, e.PreviousMode, e.Cause))
        {
            ReadableSince = 1,
        },

        new(EventKind.AuctionUncrossed, Since: 1,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.Size);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var price = r.ReadVarInt64();
                var volume = r.ReadVarInt64();
                return MarketEvent.Uncrossed(sequence, timestamp, price, volume);
            },
            static (in MarketEvent e) => MarketEvent.Uncrossed(e.Sequence, e.Timestamp, e.Price, e.Size)),

        new(EventKind.MarkPriceSet, Since: 2,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.PreviousPrice);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var price = r.ReadVarInt64();
                var previous = r.ReadVarInt64();
                return MarketEvent.MarkSet(sequence, timestamp, price, previous);
            },
            static (in MarketEvent e) => MarketEvent.MarkSet(e.Sequence, e.Timestamp, e.Price, e.PreviousPrice)),

        new(EventKind.RiskChanged, Since: 2,
            static (ref VarintWriter w, in MarketEvent e, byte version) => WriteRisk(ref w, e.Risk!),
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
                MarketEvent.RiskSet(sequence, timestamp, ReadRisk(ref r)),
            static (in MarketEvent e) => MarketEvent.RiskSet(e.Sequence, e.Timestamp,
                e.Risk ?? throw new ArgumentException($"a risk event at sequence {e.Sequence} has no risk", nameof(e)))),

        new(EventKind.IndexPriceSet, Since: 3,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.PreviousPrice);
                w.WriteEnum(e.IndexStatus);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var price = r.ReadVarInt64();
                var previous = r.ReadVarInt64();
                return MarketEvent.IndexSet(sequence, timestamp, price, previous, r.ReadEnum<Pricing.IndexStatus>());
            },
            static (in MarketEvent e) => MarketEvent.IndexSet(e.Sequence, e.Timestamp, e.Price, e.PreviousPrice, e.IndexStatus)),

        new(EventKind.BreakerRulesChanged, Since: 3,
            static (ref VarintWriter w, in MarketEvent e, byte version) => WriteBreaker(ref w, e.Breaker!),
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
                MarketEvent.BreakerSet(sequence, timestamp, ReadBreaker(ref r)),
            static (in MarketEvent e) => MarketEvent.BreakerSet(e.Sequence, e.Timestamp,
                e.Breaker ?? throw new ArgumentException($"a breaker event at sequence {e.Sequence} has no rules", nameof(e)))),

        new(EventKind.LiquidationRulesChanged, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) => WriteLiquidation(ref w, e.Liquidation!),
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
                MarketEvent.LiquidationSet(sequence, timestamp, ReadLiquidation(ref r)),
            static (in MarketEvent e) => MarketEvent.LiquidationSet(e.Sequence, e.Timestamp,
                e.Liquidation ?? throw new ArgumentException($"a liquidation event at sequence {e.Sequence} has no rules", nameof(e)))),

        new(EventKind.OpenInterestLimitsChanged, Since: 5,
            static (ref VarintWriter w, in MarketEvent e, byte version) => WriteOpenInterest(ref w, e.OpenInterest!),
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
                MarketEvent.OpenInterestSet(sequence, timestamp, ReadOpenInterest(ref r)),
            static (in MarketEvent e) => MarketEvent.OpenInterestSet(e.Sequence, e.Timestamp,
                e.OpenInterest ?? throw new ArgumentException($"an open-interest event at sequence {e.Sequence} has no limits", nameof(e)))),

        TransferLayout(EventKind.PositionTakenOver),
        TransferLayout(EventKind.PositionDeleveraged),

        new(EventKind.LiquidationFeeCharged, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.AccountId);
                w.WriteVarInt64(e.MakerAccountId);
                w.WriteVarInt64(e.Size);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var accountId = r.ReadVarInt64();
                var fund = r.ReadVarInt64();
                return MarketEvent.FeeCharged(sequence, timestamp, accountId, fund, r.ReadVarInt64());
            },
            static (in MarketEvent e) => MarketEvent.FeeCharged(e.Sequence, e.Timestamp, e.AccountId, e.MakerAccountId, e.Size)),

        new(EventKind.FundingApplied, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.Price);
                w.WriteVarInt64(e.Size);
                w.WriteVarInt64(e.PreviousPrice);
                w.WriteVarInt64(e.PreviousSize);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var mark = r.ReadVarInt64();
                var rate = r.ReadVarInt64();
                var periodEnd = r.ReadVarInt64();
                return MarketEvent.Funded(sequence, timestamp, mark, rate, periodEnd, r.ReadVarInt64());
            },
            static (in MarketEvent e) => MarketEvent.Funded(e.Sequence, e.Timestamp, e.Price, e.Size, e.PreviousPrice, e.PreviousSize)),

        new(EventKind.ConditionalAccepted, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                WriteConditionalTerms(ref w, e.Conditional);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var id = r.ReadVarInt64();
                return MarketEvent.ConditionalPlaced(sequence, timestamp, new ConditionalOrder(id, ReadConditionalTerms(ref r), 0, 0));
            },
            static (in MarketEvent e) => MarketEvent.ConditionalPlaced(e.Sequence, e.Timestamp, new ConditionalOrder(e.OrderId, e.Conditional, 0, 0))),

        new(EventKind.ConditionalCancelled, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                w.WriteVarInt64(e.AccountId);
                w.WriteEnum(e.Side);
                w.WriteVarInt64(e.Size);
                w.WriteString(e.ClientOrderId);
                w.WriteEnum(e.CancelReason);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var id = r.ReadVarInt64();
                var account = r.ReadVarInt64();
                var side = r.ReadEnum<Side>();
                var size = r.ReadVarInt64();
                var clientOrderId = r.ReadString();
                return MarketEvent.ConditionalRemoved(sequence, timestamp, Stub(id, account, side, size, clientOrderId), r.ReadEnum<CancelReason>());
            },
            static (in MarketEvent e) => MarketEvent.ConditionalRemoved(e.Sequence, e.Timestamp,
                Stub(e.OrderId, e.AccountId, e.Side, e.Size, e.ClientOrderId), e.CancelReason)),

        new(EventKind.ConditionalTriggered, Since: 4,
            static (ref VarintWriter w, in MarketEvent e, byte version) =>
            {
                w.WriteVarInt64(e.OrderId);
                WriteOrder(ref w, e.TriggeredOrder);
                w.WriteVarInt64(e.PreviousPrice);
                w.WriteVarInt64(e.PreviousSize);
            },
            static (ref VarintReader r, byte version, long sequence, long timestamp) =>
            {
                var id = r.ReadVarInt64();
                var order = ReadOrder(ref r);
                var price = r.ReadVarInt64();
                return MarketEvent.ConditionalFired(sequence, timestamp, id, order, price, r.ReadVarInt64());
            },
            static (in MarketEvent e) => MarketEvent.ConditionalFired(e.Sequence, e.Timestamp, e.OrderId, e.TriggeredOrder, e.PreviousPrice, e.PreviousSize)),
    ]);

    /// <summary>The part of a conditional order its cancelled and triggered events carry.</summary>
    private static ConditionalOrder Stub(long id, long account, Side side, long size, string? clientOrderId) =>
        new(id, new ConditionalTerms(default, default, 0, 0, new PlaceOrder(account, side, default, 0, size, ClientOrderId: clientOrderId)), 0, 0);

    /// <summary>A takeover and a deleveraging carry the same fields: account, counterparty, side, price, size.</summary>
    private static EventLayout TransferLayout(EventKind kind) => new(kind, Since: 4,
        static (ref VarintWriter w, in MarketEvent e, byte version) =>
        {
            w.WriteVarInt64(e.AccountId);
            w.WriteVarInt64(e.MakerAccountId);
            w.WriteEnum(e.Side);
            w.WriteVarInt64(e.Price);
            w.WriteVarInt64(e.Size);
        },
        kind == EventKind.PositionTakenOver
            ? static (ref VarintReader r, byte version, long sequence, long timestamp) => ReadTransfer(ref r, EventKind.PositionTakenOver, sequence, timestamp)
            : static (ref VarintReader r, byte version, long sequence, long timestamp) => ReadTransfer(ref r, EventKind.PositionDeleveraged, sequence, timestamp),
        static (in MarketEvent e) => MarketEvent.Transferred(e.Kind, e.Sequence, e.Timestamp, e.AccountId, e.MakerAccountId, e.Side, e.Price, e.Size));

    private static MarketEvent ReadTransfer(ref VarintReader r, EventKind kind, long sequence, long timestamp)
    {
        var accountId = r.ReadVarInt64();
        var counterparty = r.ReadVarInt64();
        var side = r.ReadEnum<Side>();
        var price = r.ReadVarInt64();
        return MarketEvent.Transferred(kind, sequence, timestamp, accountId, counterparty, side, price, r.ReadVarInt64());
    }

    private static EventLayout? EventLayoutOf(EventKind kind) => (byte)kind < EventLayouts.Length ? EventLayouts[(byte)kind] : null;

    private static void WriteEvent(ref VarintWriter w, in MarketEvent e, byte version, long entryTimestamp, ref long previousSequence)
    {
        var layout = EventLayoutOf(e.Kind)
            ?? throw new ArgumentException($"the journal cannot store an event of kind {(byte)e.Kind}", nameof(e));
        // Only the fields of the event's kind are stored, so anything else must already be default.
        if (e != layout.Canonical(in e))
            throw new ArgumentException(
                $"a {e.Kind} event at sequence {e.Sequence} sets fields its kind does not carry; the journal would lose them", nameof(e));
        w.WriteByte((byte)e.Kind);
        w.WriteVarInt64(unchecked(e.Sequence - previousSequence));
        previousSequence = e.Sequence;
        w.WriteVarInt64(unchecked(e.Timestamp - entryTimestamp));
        layout.Write(ref w, in e, version);
    }

    private static MarketEvent ReadEvent(ref VarintReader r, byte version, long entryTimestamp, ref long previousSequence)
    {
        var kind = r.ReadEnum<EventKind>();
        var sequence = unchecked(previousSequence + r.ReadVarInt64());
        previousSequence = sequence;
        var timestamp = unchecked(entryTimestamp + r.ReadVarInt64());
        // Built with the same constructors the books use, so every field a kind does not carry is default.
        if (EventLayoutOf(kind) is not { } layout || version < layout.ReadableSince)
            throw new JournalFormatException($"this build cannot decode events of kind {kind} in version {version}");
        return layout.Read(ref r, version, sequence, timestamp);
    }

    private static EventLayout?[] IndexEventLayouts(EventLayout[] layouts)
    {
        var kinds = Enum.GetValues<EventKind>();
        var table = new EventLayout?[kinds.Max(k => (byte)k) + 1];
        foreach (var layout in layouts)
        {
            if (layout.Since is < 1 or > FormatVersion || layout.ReadableSince < 1 || layout.ReadableSince > layout.Since)
                throw new InvalidOperationException($"the {layout.Kind} layout has a format version this build does not write");
            ref var slot = ref table[(byte)layout.Kind];
            if (slot is not null) throw new InvalidOperationException($"two journal layouts for {layout.Kind}");
            slot = layout;
        }
        foreach (var kind in kinds)
            if (table[(byte)kind] is null) throw new InvalidOperationException($"no journal layout for {kind}");
        return table;
    }
}
