using System.Runtime.CompilerServices;
using Exchange.Matching;

namespace Exchange.Benchmarks.W1;

internal enum W1MessageKind : byte { Place, Cancel }

/// <summary>
/// One W1 message in replayable form. Place: a GTC limit order of account <see cref="UserId"/> (the W1 user id)
/// whose book id will be <see cref="OrderId"/>, with <see cref="SelfTradePrevention.None"/>: W1 has no self-trade
/// prevention, the same user may trade with itself. Cancel: the order <see cref="OrderId"/>, owned by
/// <see cref="UserId"/>.
/// </summary>
internal readonly record struct W1Message(
    W1MessageKind Kind, Side Side, bool Aggressive, int UserId, long Price, long Size, long OrderId)
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ApplyTo(IOrderBook book, long timestamp, EventBuffer events)
    {
        if (Kind == W1MessageKind.Place)
            book.Place(ToPlaceOrder(), timestamp, events);
        else
            book.Cancel(new CancelOrder(UserId, OrderId), timestamp, events);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public PlaceOrder ToPlaceOrder() => new(UserId, Side, OrderType.Limit, Price, Size,
        TimeInForce.GoodTillCancel, OrderFlags.None, SelfTradePrevention.None);
}

/// <summary>
/// The W1 trade digest, folded from the events of each message: fills, volume, notional, distinct takers that
/// traded, and FNV-1a-64 over (taker id, maker id, price, size) as 8 little-endian bytes each. Plain struct math:
/// folding allocates nothing. Also counts rejections (W1 has none; any is a bug).
/// </summary>
internal struct W1Digest : IEquatable<W1Digest>
{
    public const ulong FnvOffset = 14695981039346656037UL;
    public const ulong FnvPrime = 1099511628211UL;

    public long Fills;
    public long Volume;
    public long Notional;
    public long CrossingOrders;
    public ulong Fnv;
    public long Rejections;
    private long _lastTaker;

    public static W1Digest Create() => new() { Fnv = FnvOffset };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Fold(ReadOnlySpan<MarketEvent> events)
    {
        foreach (ref readonly var e in events)
        {
            if (e.Kind == EventKind.TradeExecuted) AddTrade(e.OrderId, e.MakerOrderId, e.Price, e.Size);
            else if (e.Kind == EventKind.OrderRejected) Rejections++;
        }
    }

    public void AddTrade(long taker, long maker, long price, long size)
    {
        Fills++;
        Volume += size;
        Notional += price * size;
        // A taker's fills all come from the one message that placed it, consecutively: counting a change of taker
        // id counts distinct takers without a set.
        if (taker != _lastTaker) { CrossingOrders++; _lastTaker = taker; }
        Fnv = Mix(Mix(Mix(Mix(Fnv, taker), maker), price), size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Mix(ulong h, long value)
    {
        unchecked
        {
            var v = (ulong)value;
            for (var i = 0; i < 8; i++)
            {
                h = (h ^ (byte)v) * FnvPrime;
                v >>= 8;
            }
            return h;
        }
    }

    public readonly bool Equals(W1Digest other) =>
        (Fills, Volume, Notional, CrossingOrders, Fnv, Rejections) ==
        (other.Fills, other.Volume, other.Notional, other.CrossingOrders, other.Fnv, other.Rejections);

    public override readonly bool Equals(object? obj) => obj is W1Digest d && Equals(d);

    public override readonly int GetHashCode() => HashCode.Combine(Fills, Volume, Notional, CrossingOrders, Fnv);

    public static bool operator ==(W1Digest a, W1Digest b) => a.Equals(b);

    public static bool operator !=(W1Digest a, W1Digest b) => !a.Equals(b);

    public override readonly string ToString() =>
        $"fills={Fills} volume={Volume} notional={Notional} crossingOrders={CrossingOrders} fnv={Fnv:X16}";
}

/// <summary>The generated workload: prefill (applied untimed) and timed messages, plus what generation saw.</summary>
internal sealed class W1Data
{
    public required W1Message[] Prefill { get; init; }
    public required W1Message[] Timed { get; init; }
    public required W1Digest Digest { get; init; }
    public required int NewOrders { get; init; }
    public required int Aggressive { get; init; }
    public required int Cancels { get; init; }
    /// <summary>Cancel draws that landed on an already filled order (swap-removed, drawn again).</summary>
    public required int StaleDraws { get; init; }
    public required int RestingAfterPrefill { get; init; }
    public required int RestingAfterTimed { get; init; }
    /// <summary>FNV-1a-64 over every message's fields: equal for equal workloads, whichever engine generated them.</summary>
    public required ulong MessagesHash { get; init; }
}

internal static class W1Workload
{
    public const ulong DefaultSeed = 20240601;
    public const int PrefillCount = 10_000;
    public const int TimedCount = 1_000_000;
    public const long Mid = 10_000;

    public const int ExpectedNewOrders = 799_465;
    public const int ExpectedCancels = 200_535;
    public const string ExpectedDigest = "fills=594355 volume=19248722 notional=192496319536 crossingOrders=239011 fnv=9A7F4ED2738E14E3";

    public static readonly MarketSpec Spec = new("W1", 0.01m, 1m, 1, 1_000_000, 1, 1_000_000, 1000);

    /// <param name="bandBps">A price band (0: none). W1's prices stay within 2% of each other, so a band of 500 bps or more
    /// never refuses an order or stops a taker: the events are W1's, only the cost of checking differs.</param>
    public static IOrderBook CreateBook(string engine, int bandBps = 0) => engine switch
    {
        "fast" => new FastOrderBook(bandBps == 0 ? Spec : Spec with { Breaker = new BreakerRules(bandBps) }),
        "reference" => new ReferenceOrderBook(bandBps == 0 ? Spec : Spec with { Breaker = new BreakerRules(bandBps) }),
        _ => throw new ArgumentException($"unknown engine '{engine}' (fast|reference)", nameof(engine)),
    };

    /// <summary>
    /// Generates W1 by running it against <paramref name="book"/> (the cancel rule and the aggressive size depend on
    /// book state), recording every message. Throws if the book does anything W1 does not allow (a rejection, an
    /// id other than the generation-order id, a cancel that removes nothing).
    /// </summary>
    public static W1Data Generate(IOrderBook book, ulong seed, int timedCount)
    {
        var rng = new SplitMix64(seed);
        var events = new EventBuffer(1024);
        var digest = W1Digest.Create();
        var live = new List<long>(4 * PrefillCount);
        var userOf = new List<int>(PrefillCount + timedCount) { 0 }; // order id -> W1 user id (ids are 1, 2, 3, ...)
        long nextId = 1, timestamp = 0;
        var hash = W1Digest.FnvOffset;

        W1Message NewOrder(ref SplitMix64 rng, bool allowAggressive)
        {
            // The draw order is the document's: side, aggressive?, price, size, user id.
            var buy = rng.NextInt(2) == 0;
            var aggressive = allowAggressive && rng.NextDouble() < 0.30;
            long price;
            if (aggressive)
                price = buy ? Mid + 1 + rng.NextInt(100) : Mid - rng.NextInt(100);
            else
            {
                var d = 99;
                for (var i = 0; i < 5; i++) d = Math.Min(d, rng.NextInt(100));
                price = buy ? Mid - d : Mid + 1 + d;
            }
            // "book resting orders" is the count before this order is applied.
            long size = 1 + rng.NextInt(aggressive ? (book.RestingOrderCount > 10_000 ? 200 : 100) : 100);
            var user = 1 + rng.NextInt(1000);
            var id = nextId++;
            userOf.Add(user);
            return new W1Message(W1MessageKind.Place, buy ? Side.Buy : Side.Sell, aggressive, user, price, size, id);
        }

        void Apply(in W1Message m)
        {
            events.Clear();
            m.ApplyTo(book, ++timestamp, events);
            digest.Fold(events.Events);
            if (events.Count == 0) throw new InvalidOperationException($"message {m} produced no event");
            var first = events[0];
            if (m.Kind == W1MessageKind.Place)
            {
                if (first.Kind != EventKind.OrderAccepted || first.OrderId != m.OrderId)
                    throw new InvalidOperationException($"placing {m}: expected OrderAccepted id {m.OrderId}, got {first.Kind} id {first.OrderId} ({first.Reject})");
                if (book.TryGetOrder(m.OrderId, out _)) live.Add(m.OrderId);
            }
            else if (first.Kind != EventKind.OrderCancelled || first.OrderId != m.OrderId || first.CancelReason != CancelReason.Requested)
                throw new InvalidOperationException($"cancelling {m}: got {first.Kind} id {first.OrderId} ({first.Reject})");
            hash = HashMessage(hash, m);
        }

        var prefill = new W1Message[PrefillCount];
        for (var i = 0; i < prefill.Length; i++)
        {
            prefill[i] = NewOrder(ref rng, allowAggressive: false);
            Apply(prefill[i]);
        }
        var restingAfterPrefill = book.RestingOrderCount;
        // The prefill is not part of the digest: the digest covers the timed section only (prefill never trades anyway).
        digest = W1Digest.Create();

        var timed = new W1Message[timedCount];
        int newOrders = 0, aggressive = 0, cancels = 0, stale = 0;
        for (var i = 0; i < timed.Length; i++)
        {
            var u = rng.NextDouble();
            W1Message? cancel = null;
            if (u < 0.20)
            {
                while (live.Count > 0)
                {
                    var idx = rng.NextInt(live.Count);
                    var id = live[idx];
                    // Swap-remove: the last id moves into the slot, whether the order is cancelled or already filled.
                    live[idx] = live[^1];
                    live.RemoveAt(live.Count - 1);
                    if (book.TryGetOrder(id, out _))
                    {
                        cancel = new W1Message(W1MessageKind.Cancel, default, false, userOf[(int)id], 0, 0, id);
                        break;
                    }
                    stale++;
                }
            }
            if (cancel is { } c)
            {
                timed[i] = c;
                cancels++;
            }
            else
            {
                timed[i] = NewOrder(ref rng, allowAggressive: true);
                newOrders++;
                if (timed[i].Aggressive) aggressive++;
            }
            Apply(timed[i]);
        }

        return new W1Data
        {
            Prefill = prefill, Timed = timed, Digest = digest, NewOrders = newOrders, Aggressive = aggressive,
            Cancels = cancels, StaleDraws = stale, RestingAfterPrefill = restingAfterPrefill,
            RestingAfterTimed = book.RestingOrderCount, MessagesHash = hash,
        };
    }

    private static ulong HashMessage(ulong h, in W1Message m)
    {
        unchecked
        {
            foreach (var v in (ReadOnlySpan<long>)[(long)m.Kind, (long)m.Side, m.Aggressive ? 1 : 0, m.UserId, m.Price, m.Size, m.OrderId])
            {
                var x = (ulong)v;
                for (var i = 0; i < 8; i++)
                {
                    h = (h ^ (byte)x) * W1Digest.FnvPrime;
                    x >>= 8;
                }
            }
            return h;
        }
    }
}
