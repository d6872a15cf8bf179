using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Markets;

/// <summary>
/// For a market that follows an index: when it last heard its oracle, and the ticks it journals of its own accord
/// to distrust its index. Decides nothing by itself; the market journals what it returns.
/// </summary>
internal sealed class IndexWatch(TimeProvider clock, MarketOptions options)
{
    private DateTimeOffset _heard;

    public void Heard() => _heard = clock.GetUtcNow();

    /// <summary>Whether the oracle has been silent for longer than <see cref="MarketOptions.IndexSilence"/>.</summary>
    public bool IsSilent => clock.GetUtcNow() - _heard >= options.IndexSilence;

    /// <summary>An oracle reading as the book's tick.</summary>
    public static IndexTick Reading(IndexUpdate update, MarketSpec spec) =>
        new(IndexPrices.ToTicks(update.Price, spec.TickSize), update.Status, update.AsOf, update.HorizonSigmaPpm);

    /// <summary>An untrusted tick of the given origin, or null when the market already distrusts its index and trades nothing.</summary>
    public IndexTick? Distrust(FastOrderBook book, IndexTickOrigin origin)
    {
        var held = book.Terms.Index?.Tick;
        var safe = book.Mode is MarketMode.CancelOnly or MarketMode.Halted
            || (book.Mode == MarketMode.Auction && book.Terms.ModeCause.Actor == ModeActor.Breaker);
        if (held is { IsTrusted: false } && safe) return null;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        return new IndexTick(held?.IndexTicks ?? 0, IndexStatus.Stale, now, -1, origin);
    }
}
