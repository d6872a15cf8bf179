using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Journal;

/// <summary>
/// The durable binary form of journal entries and book snapshots. Payloads are read back years later by newer
/// builds, so a layout, once written, is frozen: a change means a new version number, and the decoder keeps reading
/// every version it ever wrote. Version 2 is version 1 plus the market's terms: a mode change carries its cause,
/// mark and risk commands and events exist, and a snapshot holds the terms. Version 3 is version 2 plus the index a
/// market follows: index ticks as commands and events, and a snapshot's terms hold the index state; an amend's
/// expected open size (its compare-and-set); and the circuit breaker's price band and velocity rules (command, event,
/// the terms' rules and the snapshot's recent trades). Version 4 is version 3 plus the liquidation engine: its rules
/// (command, event, the terms' rules), position takeovers and deleveragings, liquidation fees, and a liquidation
/// order's flag; conditional orders (their place and cancel commands, their accepted, cancelled and triggered events, and
/// a snapshot's trigger book); the circuit breaker's reopen. Version 5 is version 4 plus open-interest limits (command,
/// market-wide event, the terms' limits) and a snapshot's positions (every account's, as the book counts them to hold the
/// open-interest cap; a snapshot from an older version has none, and recovery replays from the start instead). A payload is
/// written in the oldest version that can hold it (version 1 unless it has a mode, mark or risk change, or a snapshot
/// has terms; version 3 only with an index tick, index state, a conditional amend, breaker rules or recent trades), so a build that reads only older versions still
/// reads ordinary trading batches during a rolling upgrade. Version 1 payloads
/// are read as they always were: a mode change from them has the operator as its actor and no reason, a snapshot
/// from them has no terms.
/// <para>
/// Primitives (see <see cref="VarintWriter"/>): <c>u</c> = LEB128 varint; <c>z</c> = zigzag varint (any long);
/// <c>b</c> = one byte (enums: the declared values, or for flags any combination of declared bits, checked when
/// writing and when reading; so enum values may be appended but never renumbered); <c>s</c> = string: 0 for null,
/// else u(UTF-8 length + 1) and the bytes.
/// </para>
/// <code>
/// payload   = b version (1 to 5), b kind ('E' entries | 'S' snapshot), body; nothing may follow the body
/// entries   = u count, entry*
/// entry     = command, z (timestamp - previous entry's timestamp, 0 for the first), u eventCount, event*
/// command   = b 1 Place    z account, b side, b type, z price, z size, b tif, b flags, b stp, s clientOrderId
///           | b 2 Cancel   z account, z orderId, s clientOrderId
///           | b 3 Amend    z account, z orderId, s clientOrderId, z newPrice, z newSize [v3: z expectedRemaining]
///           | b 4 CancelAll z account
///           | b 5 SetMode  b mode [v2: b actor, s reason]
///           | b 6 Uncross  z referencePrice
///           | b 7 SetMark  z price                                            (v2)
///           | b 8 SetRisk  risk                                               (v2)
///           | b 20 PlaceConditional conditionalTerms                          (v4)
///           | b 21 CancelConditional z account, z conditionalId, s clientOrderId (v4)
/// conditionalTerms = b triggerKind, b triggerSource, z triggerPrice, z callbackBps, then the fields of a Place command
///           | b 9 ApplyIndex tick                                             (v3)
///           | b 10 SetBreakerRules breaker                                    (v3)
///           | b 40 SetLiquidationRules liquidation                            (v4)
///           | b 41 TransferPosition b kind, z account, z counterparty, b side, z price, z size   (v4)
///           | b 42 ChargeLiquidationFee z account, z amount                   (v4)
///           | b 43 ApplyFunding z periodEnd, z intervalMs                     (v4)
///           | b 60 SetOpenInterestLimits z marketLots, z accountLots          (v5)
/// liquidation = z fundAccount, z feeBps, z sliceLots, z cooldownMs, z fundLossCapBps
///           | b 30 Reopen  z referencePrice, b actor, s reason                (v4)
/// breaker   = z bandBps, z velocityBps, z velocityWindowMs
/// tick      = z indexTicks, b indexStatus, z asOf, z horizonSigmaPpm, b origin
/// risk      = z makerFeeBps, z takerFeeBps, u tierCount, (z notionalFloor, z initialBps, z maintenanceBps)*
/// event     = b EventKind, z (sequence - previous event's sequence in the payload, 0 before the first),
///             z (timestamp - its entry's timestamp), then only the fields of its kind:
///   OrderAccepted    z orderId, z account, b side, b orderType, z price, z size, b tif, b flags, b stp, s clientOrderId
///   OrderRejected    z account, b reject, s clientOrderId, z orderId
///   TradeExecuted    z orderId, z account, z makerOrderId, z makerAccount, b side, z price, z size,
///                    z remaining, z makerRemaining
///   OrderCancelled   z orderId, z account, b side, z price, z size, b cancelReason
///   OrderAmended     z orderId, z account, b side, z price, z size, z previousPrice, z previousSize
///   ModeChanged      b mode, b previousMode [v2: b actor, s reason]
///   AuctionUncrossed z price, z size
///   MarkPriceSet     z price, z previousPrice                               (v2)
///   RiskChanged      risk                                                   (v2)
///   IndexPriceSet    z price, z previousPrice, b indexStatus                (v3)
///   BreakerRulesChanged breaker                                             (v3)
///   LiquidationRulesChanged liquidation                                     (v4)
///   PositionTakenOver, PositionDeleveraged z account, z counterparty, b side, z price, z size   (v4)
///   LiquidationFeeCharged z account, z fund, z amount                       (v4)
///   FundingApplied z mark, z ratePpm, z periodEnd, z intervalMs             (v4)
///   OpenInterestLimitsChanged z marketLots, z accountLots                   (v5)
///   ConditionalAccepted  z conditionalId, conditionalTerms                  (v4)
///   ConditionalCancelled z conditionalId, z account, b side, z size, s clientOrderId, b cancelReason  (v4)
///   ConditionalTriggered z conditionalId, then the fields of a Place command (the order to place), z price, z level  (v4)
/// snapshot  = b mode, z sequence, z nextOrderId, z lastTradePrice, [v2: terms,] [v3: trades,] orders bids, orders asks,
///             u count, (z account, s id, z orderId)*,
///             [v4: z nextConditionalId, u count, (z conditionalId, conditionalTerms, z extreme, z acceptedAt)*]
///             [v5: u count, (z account, z size)*   (every non-zero position, ascending account id)]
/// terms     = z markPrice, risk, b modeActor, s modeReason, z marketWideSequence,
///             [v3: b parts (bit 0: index follows, bit 1: breaker follows, v4 bit 2: liquidation follows, v4 bit 3: funding
///             follows, v5 bit 4: open-interest limits follow), index?, breaker?, liquidation?, funding? (z periodEnd,
///             z intervalMs, z ratePpm, z mark), openInterest? (z marketLots, z accountLots)]
/// trades    = u count, (z (timestamp - previous trade's, 0 before the first), z price)*   (the velocity rule's recent
///             trades, oldest first)
/// index     = tick, z basisMilliTicks, z trustedSince, z auctionSince, z initialMultiplierBps,
///             z maintenanceMultiplierBps, z multipliersSince, risk baseRisk, b operatorMark (0 or 1)
/// orders    = u count, (z orderId, z account, b side, z (price - previous order's price, 0 before the first),
///             z remaining, z filled, b tif, b flags, b stp, s clientOrderId,
///             z (acceptedAt - previous order's acceptedAt, 0 before the first))*
/// </code>
/// Each event kind's line above is its entry in the layout table (JournalCodec.Events.cs), which writes, reads and
/// checks it and names the version it is first written in.
/// Deltas wrap (unchecked), so every long round-trips, and a rejected event's unchanged sequence costs one byte
/// like any other. Encoding refuses (with an <see cref="ArgumentException"/>) what it could not give back
/// exactly: an enum value that does not exist, a string with a lone surrogate, or an event that sets a field its
/// kind does not carry. Decoding anything but a complete, well-formed payload throws
/// <see cref="JournalFormatException"/>.
/// </summary>
public static partial class JournalCodec
{
    /// <summary>The version written.</summary>
    public const byte FormatVersion = 5;

    /// <summary>Every version this build reads.</summary>
    public static IReadOnlyList<byte> ReadableVersions { get; } = [1, 2, 3, 4, 5];

    private const byte EntriesKind = (byte)'E';
    private const byte SnapshotKind = (byte)'S';

    // Lower bounds on encoded sizes, used only to refuse counts the remaining bytes cannot hold.
    private const int MinEntryBytes = 4;     // command kind + one field byte, timestamp delta, event count
    private const int MinEventBytes = 3;     // kind, sequence delta, timestamp delta
    private const int MinOrderBytes = 11;    // eleven fields of at least one byte
    private const int MinClientIdBytes = 3;  // account, string header, order id
    private const int MinTierBytes = 3;      // floor, initial, maintenance
    private const int MinTradeBytes = 2;     // timestamp delta, price
    private const int MinConditionalBytes = 16; // id, four trigger fields, nine order fields, extreme, acceptedAt
    private const int MinPositionBytes = 2;  // account, size

    // ── Entries ───────────────────────────────────────────────────────────────────────────────────────────

    public static byte[] EncodeEntries(IReadOnlyList<JournalEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var count = entries.Count;
        var w = new VarintWriter(16 + count * 96);
        try
        {
            var version = VersionFor(entries);
            w.WriteByte(version);
            w.WriteByte(EntriesKind);
            w.WriteVarUInt64((ulong)count);
            long previousTimestamp = 0, previousSequence = 0;
            for (var i = 0; i < count; i++)
            {
                var entry = entries[i] ?? throw new ArgumentException($"entry {i} is null", nameof(entries));
                WriteCommand(ref w, entry.Command, version);
                w.WriteVarInt64(unchecked(entry.Timestamp - previousTimestamp));
                previousTimestamp = entry.Timestamp;
                var events = entry.Events ?? throw new ArgumentException($"entry {i} has no event array", nameof(entries));
                w.WriteVarUInt64((ulong)events.Length);
                foreach (ref readonly var e in events.AsSpan())
                    WriteEvent(ref w, in e, version, entry.Timestamp, ref previousSequence);
            }
            return w.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    public static JournalEntry[] DecodeEntries(ReadOnlySpan<byte> payload)
    {
        var r = new VarintReader(payload);
        var version = ReadHeader(ref r, EntriesKind);
        var count = r.ReadCount(MinEntryBytes);
        var entries = count == 0 ? [] : new JournalEntry[count];
        long previousTimestamp = 0, previousSequence = 0;
        for (var i = 0; i < count; i++)
        {
            var command = ReadCommand(ref r, version);
            var timestamp = unchecked(previousTimestamp + r.ReadVarInt64());
            previousTimestamp = timestamp;
            var eventCount = r.ReadCount(MinEventBytes);
            var events = eventCount == 0 ? [] : new MarketEvent[eventCount];
            for (var j = 0; j < events.Length; j++)
                events[j] = ReadEvent(ref r, version, timestamp, ref previousSequence);
            entries[i] = new JournalEntry(command, timestamp, events);
        }
        r.EnsureEnd();
        return entries;
    }

    // ── Snapshots ─────────────────────────────────────────────────────────────────────────────────────────

    public static byte[] EncodeSnapshot(BookSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var bids = snapshot.Bids ?? throw new ArgumentException("the snapshot has no bid array", nameof(snapshot));
        var asks = snapshot.Asks ?? throw new ArgumentException("the snapshot has no ask array", nameof(snapshot));
        var clientOrderIds = snapshot.ClientOrderIds
            ?? throw new ArgumentException("the snapshot has no client order id array", nameof(snapshot));
        var w = new VarintWriter(32 + (bids.Length + asks.Length) * 48 + clientOrderIds.Length * 32);
        try
        {
            var terms = snapshot.Terms;
            var trades = snapshot.RecentTrades ?? [];
            if (terms is null && trades.Length > 0) throw new ArgumentException("recent trades need the terms they were kept under", nameof(snapshot));
            var conditionals = snapshot.Conditionals;
            if (terms is null && (conditionals is not null || snapshot.NextConditionalId != 1))
                throw new ArgumentException("conditional orders need the terms they were kept under", nameof(snapshot));
            var positions = snapshot.Positions;
            if (terms is null && positions is { Length: > 0 }) throw new ArgumentException("positions need the terms they were kept under", nameof(snapshot));
            var version = terms is null ? (byte)1
                : positions is not null || terms.OpenInterest is not null ? (byte)5
                : terms.Liquidation is not null || terms.Funding is not null || conditionals is not null || snapshot.NextConditionalId != 1 ? (byte)4
                : terms.Index is null && terms.Breaker is null && trades.Length == 0 ? (byte)2 : (byte)3;
            w.WriteByte(version);
            w.WriteByte(SnapshotKind);
            w.WriteEnum(snapshot.Mode);
            w.WriteVarInt64(snapshot.Sequence);
            w.WriteVarInt64(snapshot.NextOrderId);
            w.WriteVarInt64(snapshot.LastTradePrice);
            if (terms is not null)
            {
                w.WriteVarInt64(terms.MarkPrice);
                WriteRisk(ref w, terms.Risk ?? throw new ArgumentException("the snapshot's terms have no risk", nameof(snapshot)));
                WriteCause(ref w, terms.ModeCause);
                w.WriteVarInt64(terms.MarketWideSequence);
                if (version >= 3)
                {
                    w.WriteByte((byte)((terms.Index is null ? 0 : 1) | (terms.Breaker is null ? 0 : 2) | (terms.Liquidation is null ? 0 : 4)
                        | (terms.Funding is null ? 0 : 8) | (terms.OpenInterest is null ? 0 : 16)));
                    if (terms.Index is { } index) WriteIndexState(ref w, index);
                    if (terms.Breaker is { } breaker) WriteBreaker(ref w, breaker);
                    if (terms.Liquidation is { } liquidation) WriteLiquidation(ref w, liquidation);
                    if (terms.Funding is { } funding)
                    {
                        w.WriteVarInt64(funding.PeriodEnd);
                        w.WriteVarInt64(funding.IntervalMs);
                        w.WriteVarInt64(funding.RatePpm);
                        w.WriteVarInt64(funding.Mark);
                    }
                    if (terms.OpenInterest is { } openInterest)
                    {
                        w.WriteVarInt64(openInterest.MarketLots);
                        w.WriteVarInt64(openInterest.AccountLots);
                    }
                    w.WriteVarUInt64((ulong)trades.Length);
                    long previousTimestamp = 0;
                    foreach (var t in trades)
                    {
                        w.WriteVarInt64(unchecked(t.Timestamp - previousTimestamp));
                        previousTimestamp = t.Timestamp;
                        w.WriteVarInt64(t.Price);
                    }
                }
            }
            WriteOrders(ref w, bids);
            WriteOrders(ref w, asks);
            w.WriteVarUInt64((ulong)clientOrderIds.Length);
            foreach (ref readonly var c in clientOrderIds.AsSpan())
            {
                w.WriteVarInt64(c.AccountId);
                w.WriteString(c.ClientOrderId ?? throw new ArgumentException("a client order id entry has no id", nameof(snapshot)));
                w.WriteVarInt64(c.OrderId);
            }
            if (version >= 4)
            {
                w.WriteVarInt64(snapshot.NextConditionalId);
                w.WriteVarUInt64((ulong)(conditionals?.Length ?? 0));
                foreach (var c in conditionals ?? [])
                {
                    w.WriteVarInt64(c.Id);
                    WriteConditionalTerms(ref w, c.Terms);
                    w.WriteVarInt64(c.Extreme);
                    w.WriteVarInt64(c.AcceptedAt);
                }
            }
            if (version >= 5)
            {
                var entries = positions ?? [];
                w.WriteVarUInt64((ulong)entries.Length);
                long previousAccount = 0;
                foreach (var p in entries)
                {
                    if (p.AccountId <= previousAccount || p.Size == 0)
                        throw new ArgumentException("positions must be non-zero, in ascending account id", nameof(snapshot));
                    previousAccount = p.AccountId;
                    w.WriteVarInt64(p.AccountId);
                    w.WriteVarInt64(p.Size);
                }
            }
            return w.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    public static BookSnapshot DecodeSnapshot(ReadOnlySpan<byte> payload)
    {
        var r = new VarintReader(payload);
        var version = ReadHeader(ref r, SnapshotKind);
        var mode = r.ReadEnum<MarketMode>();
        var sequence = r.ReadVarInt64();
        var nextOrderId = r.ReadVarInt64();
        var lastTradePrice = r.ReadVarInt64();
        MarketTerms? terms = null;
        RecentTrade[]? trades = null;
        if (version >= 2)
        {
            var mark = r.ReadVarInt64();
            var risk = ReadRisk(ref r);
            var cause = ReadCause(ref r);
            terms = new MarketTerms(mark, risk, cause, r.ReadVarInt64());
            if (version >= 3)
            {
                var start = r.Position;
                var parts = r.ReadByte();
                var known = version >= 5 ? 31 : version >= 4 ? 15 : 3;
                if ((parts & ~known) != 0)
                    throw new JournalFormatException($"byte {start}: {parts} is not a set of terms parts (bits 0 to {(version >= 5 ? 4 : version >= 4 ? 3 : 1)})");
                terms = terms with
                {
                    Index = (parts & 1) != 0 ? ReadIndexState(ref r) : null,
                    Breaker = (parts & 2) != 0 ? ReadBreaker(ref r) : null,
                    Liquidation = (parts & 4) != 0 ? ReadLiquidation(ref r) : null,
                    Funding = (parts & 8) != 0 ? ReadFunding(ref r) : null,
                    OpenInterest = (parts & 16) != 0 ? ReadOpenInterest(ref r) : null,
                };
                var tradeCount = r.ReadCount(MinTradeBytes);
                long timestamp = 0;
                if (tradeCount > 0) trades = new RecentTrade[tradeCount];
                for (var i = 0; i < tradeCount; i++)
                {
                    timestamp = unchecked(timestamp + r.ReadVarInt64());
                    trades![i] = new RecentTrade(timestamp, r.ReadVarInt64());
                }
            }
        }
        var bids = ReadOrders(ref r);
        var asks = ReadOrders(ref r);
        var count = r.ReadCount(MinClientIdBytes);
        var clientOrderIds = count == 0 ? [] : new ClientOrderIdEntry[count];
        for (var i = 0; i < clientOrderIds.Length; i++)
        {
            var accountId = r.ReadVarInt64();
            var start = r.Position;
            var id = r.ReadString() ?? throw new JournalFormatException($"byte {start}: a client order id entry has no id");
            var orderId = r.ReadVarInt64();
            clientOrderIds[i] = new ClientOrderIdEntry(accountId, id, orderId);
        }
        ConditionalOrder[]? conditionals = null;
        long nextConditionalId = 1;
        if (version >= 4)
        {
            nextConditionalId = r.ReadVarInt64();
            var conditionalCount = r.ReadCount(MinConditionalBytes);
            conditionals = new ConditionalOrder[conditionalCount];
            for (var i = 0; i < conditionals.Length; i++)
            {
                var id = r.ReadVarInt64();
                var conditionalTerms = ReadConditionalTerms(ref r);
                var extreme = r.ReadVarInt64();
                conditionals[i] = new ConditionalOrder(id, conditionalTerms, extreme, r.ReadVarInt64());
            }
        }
        PositionEntry[]? positions = null;
        if (version >= 5)
        {
            positions = new PositionEntry[r.ReadCount(MinPositionBytes)];
            long previousAccount = 0;
            for (var i = 0; i < positions.Length; i++)
            {
                var start = r.Position;
                var accountId = r.ReadVarInt64();
                var size = r.ReadVarInt64();
                if (accountId <= previousAccount || size == 0)
                    throw new JournalFormatException($"byte {start}: a position must be non-zero, in ascending account id");
                previousAccount = accountId;
                positions[i] = new PositionEntry(accountId, size);
            }
        }
        r.EnsureEnd();
        return new BookSnapshot(mode, sequence, nextOrderId, bids, asks, clientOrderIds, lastTradePrice, terms, trades,
            conditionals, nextConditionalId, positions);
    }

    /// <summary>An order's terms, as a place command and an accepted event both carry them (the event's price is its limit).</summary>
    private static void WriteOrder(ref VarintWriter w, in PlaceOrder o)
    {
        w.WriteVarInt64(o.AccountId);
        w.WriteEnum(o.Side);
        w.WriteEnum(o.Type);
        w.WriteVarInt64(o.Price);
        w.WriteVarInt64(o.Size);
        w.WriteEnum(o.TimeInForce);
        w.WriteEnum(o.Flags);
        w.WriteEnum(o.SelfTradePrevention);
        w.WriteString(o.ClientOrderId);
    }

    private static PlaceOrder ReadOrder(ref VarintReader r)
    {
        var accountId = r.ReadVarInt64();
        var side = r.ReadEnum<Side>();
        var type = r.ReadEnum<OrderType>();
        var price = r.ReadVarInt64();
        var size = r.ReadVarInt64();
        var tif = r.ReadEnum<TimeInForce>();
        var flags = r.ReadEnum<OrderFlags>();
        var stp = r.ReadEnum<SelfTradePrevention>();
        return new PlaceOrder(accountId, side, type, price, size, tif, flags, stp, r.ReadString());
    }

    private static void WriteOrders(ref VarintWriter w, OrderView[] orders)
    {
        w.WriteVarUInt64((ulong)orders.Length);
        long previousPrice = 0, previousAcceptedAt = 0;
        foreach (ref readonly var o in orders.AsSpan())
        {
            w.WriteVarInt64(o.OrderId);
            w.WriteVarInt64(o.AccountId);
            w.WriteEnum(o.Side);
            w.WriteVarInt64(unchecked(o.Price - previousPrice));
            previousPrice = o.Price;
            w.WriteVarInt64(o.Remaining);
            w.WriteVarInt64(o.Filled);
            w.WriteEnum(o.TimeInForce);
            w.WriteEnum(o.Flags);
            w.WriteEnum(o.SelfTradePrevention);
            w.WriteString(o.ClientOrderId);
            w.WriteVarInt64(unchecked(o.AcceptedAt - previousAcceptedAt));
            previousAcceptedAt = o.AcceptedAt;
        }
    }

    private static OrderView[] ReadOrders(ref VarintReader r)
    {
        var count = r.ReadCount(MinOrderBytes);
        var orders = count == 0 ? [] : new OrderView[count];
        long price = 0, acceptedAt = 0;
        for (var i = 0; i < orders.Length; i++)
        {
            var orderId = r.ReadVarInt64();
            var accountId = r.ReadVarInt64();
            var side = r.ReadEnum<Side>();
            price = unchecked(price + r.ReadVarInt64());
            var remaining = r.ReadVarInt64();
            var filled = r.ReadVarInt64();
            var tif = r.ReadEnum<TimeInForce>();
            var flags = r.ReadEnum<OrderFlags>();
            var stp = r.ReadEnum<SelfTradePrevention>();
            var clientOrderId = r.ReadString();
            acceptedAt = unchecked(acceptedAt + r.ReadVarInt64());
            orders[i] = new OrderView(orderId, accountId, side, price, remaining, filled, tif, flags, stp, clientOrderId, acceptedAt);
        }
        return orders;
    }

    // ── Terms ─────────────────────────────────────────────────────────────────────────────────────────────

    private static void WriteRisk(ref VarintWriter w, MarketRisk risk)
    {
        var tiers = risk.Tiers ?? throw new ArgumentException("risk parameters without margin tiers", nameof(risk));
        w.WriteVarInt64(risk.MakerFeeBps);
        w.WriteVarInt64(risk.TakerFeeBps);
        w.WriteVarUInt64((ulong)tiers.Length);
        foreach (var t in tiers)
        {
            w.WriteVarInt64(t.NotionalFloor);
            w.WriteVarInt64(t.InitialBps);
            w.WriteVarInt64(t.MaintenanceBps);
        }
    }

    private static MarketRisk ReadRisk(ref VarintReader r)
    {
        var maker = ReadInt(ref r);
        var taker = ReadInt(ref r);
        var tiers = new MarginTier[r.ReadCount(MinTierBytes)];
        for (var i = 0; i < tiers.Length; i++)
            tiers[i] = new MarginTier(r.ReadVarInt64(), ReadInt(ref r), ReadInt(ref r));
        return new MarketRisk(maker, taker, tiers);
    }

    /// <summary>
    /// The oldest version that holds every command and event in the entries: version 1 unless one of them exists
    /// only from a later version on (as its layout says).
    /// </summary>
    private static byte VersionFor(IReadOnlyList<JournalEntry> entries)
    {
        byte version = 1;
        for (var i = 0; i < entries.Count && version < FormatVersion; i++)
        {
            if (entries[i] is not { } entry) continue;
            if (entry.Command is { } command && CommandLayoutOf(command) is { } commandLayout)
                version = Math.Max(version, commandLayout.VersionOf(command));
            foreach (ref readonly var e in (entry.Events ?? []).AsSpan())
                if (EventLayoutOf(e.Kind) is { } layout && layout.Since > version) version = layout.Since;
        }
        return version;
    }

    private static void WriteTick(ref VarintWriter w, in IndexTick tick)
    {
        w.WriteVarInt64(tick.IndexTicks);
        w.WriteEnum(tick.Status);
        w.WriteVarInt64(tick.AsOf);
        w.WriteVarInt64(tick.HorizonSigmaPpm);
        w.WriteEnum(tick.Origin);
    }

    private static IndexTick ReadTick(ref VarintReader r)
    {
        var ticks = r.ReadVarInt64();
        var status = r.ReadEnum<Pricing.IndexStatus>();
        var asOf = r.ReadVarInt64();
        var sigma = r.ReadVarInt64();
        return new IndexTick(ticks, status, asOf, sigma, r.ReadEnum<IndexTickOrigin>());
    }

    private static void WriteIndexState(ref VarintWriter w, IndexState index)
    {
        WriteTick(ref w, index.Tick);
        w.WriteVarInt64(index.BasisMilliTicks);
        w.WriteVarInt64(index.TrustedSince);
        w.WriteVarInt64(index.AuctionSince);
        w.WriteVarInt64(index.Multipliers.InitialBps);
        w.WriteVarInt64(index.Multipliers.MaintenanceBps);
        w.WriteVarInt64(index.MultipliersSince);
        WriteRisk(ref w, index.BaseRisk ?? throw new ArgumentException("index state without a base schedule", nameof(index)));
        w.WriteByte(index.OperatorMark ? (byte)1 : (byte)0);
    }

    private static IndexState ReadIndexState(ref VarintReader r)
    {
        var tick = ReadTick(ref r);
        var basis = r.ReadVarInt64();
        var trustedSince = r.ReadVarInt64();
        var auctionSince = r.ReadVarInt64();
        var multipliers = new Pricing.MarginMultipliers(ReadInt(ref r), ReadInt(ref r));
        var since = r.ReadVarInt64();
        var baseRisk = ReadRisk(ref r);
        var start = r.Position;
        var operatorMark = r.ReadByte() switch
        {
            0 => false,
            1 => true,
            var b => throw new JournalFormatException($"byte {start}: {b} is not a flag (0 or 1)"),
        };
        return new IndexState(tick, basis, trustedSince, auctionSince, multipliers, since, baseRisk, operatorMark);
    }

    private static void WriteBreaker(ref VarintWriter w, BreakerRules rules)
    {
        w.WriteVarInt64(rules.BandBps);
        w.WriteVarInt64(rules.VelocityBps);
        w.WriteVarInt64(rules.VelocityWindowMs);
    }

    private static void WriteLiquidation(ref VarintWriter w, Risk.LiquidationRules rules)
    {
        w.WriteVarInt64(rules.FundAccountId);
        w.WriteVarInt64(rules.FeeBps);
        w.WriteVarInt64(rules.SliceLots);
        w.WriteVarInt64(rules.CooldownMs);
        w.WriteVarInt64(rules.FundLossCapBps);
    }

    private static Risk.LiquidationRules ReadLiquidation(ref VarintReader r)
    {
        var fund = r.ReadVarInt64();
        var fee = r.ReadVarInt64();
        var slice = r.ReadVarInt64();
        var cooldown = r.ReadVarInt64();
        var cap = r.ReadVarInt64();
        if (fee is < int.MinValue or > int.MaxValue || cap is < int.MinValue or > int.MaxValue)
            throw new JournalFormatException($"byte {r.Position}: liquidation rules out of range");
        return new Risk.LiquidationRules(fund, (int)fee, slice, cooldown, (int)cap);
    }

    private static void WriteOpenInterest(ref VarintWriter w, Risk.OpenInterestLimits limits)
    {
        w.WriteVarInt64(limits.MarketLots);
        w.WriteVarInt64(limits.AccountLots);
    }

    private static Risk.OpenInterestLimits ReadOpenInterest(ref VarintReader r)
    {
        var market = r.ReadVarInt64();
        return new Risk.OpenInterestLimits(market, r.ReadVarInt64());
    }

    private static Risk.FundingSettled ReadFunding(ref VarintReader r)
    {
        var periodEnd = r.ReadVarInt64();
        var interval = r.ReadVarInt64();
        var rate = r.ReadVarInt64();
        return new Risk.FundingSettled(periodEnd, interval, rate, r.ReadVarInt64());
    }

    private static BreakerRules ReadBreaker(ref VarintReader r)
    {
        var band = ReadInt(ref r);
        var velocity = ReadInt(ref r);
        return new BreakerRules(band, velocity, r.ReadVarInt64());
    }

    private static void WriteCause(ref VarintWriter w, ModeCause cause)
    {
        w.WriteEnum(cause.Actor);
        w.WriteString(cause.Reason);
    }

    private static ModeCause ReadCause(ref VarintReader r)
    {
        var actor = r.ReadEnum<ModeActor>();
        return new ModeCause(actor, r.ReadString());
    }

    private static int ReadInt(ref VarintReader r)
    {
        var start = r.Position;
        var value = r.ReadVarInt64();
        return value is >= int.MinValue and <= int.MaxValue ? (int)value
            : throw new JournalFormatException($"byte {start}: {value} does not fit a 32-bit field");
    }

    // ── Header ────────────────────────────────────────────────────────────────────────────────────────────

    private static byte ReadHeader(ref VarintReader r, byte expectedKind)
    {
        if (r.Remaining == 0) throw new JournalFormatException("the payload is empty");
        var version = r.ReadByte();
        if (version is < 1 or > FormatVersion)
            throw new JournalFormatException($"unknown journal format version {version} (this build reads versions 1 to {FormatVersion})");
        var kind = r.ReadByte();
        if (kind != expectedKind)
            throw new JournalFormatException($"the payload is {Describe(kind)}, expected {Describe(expectedKind)}");
        return version;
    }

    private static string Describe(byte kind) => kind switch
    {
        EntriesKind => "journal entries",
        SnapshotKind => "a book snapshot",
        HeadsKind => "account heads",
        _ => $"of unknown kind {kind}",
    };
}
