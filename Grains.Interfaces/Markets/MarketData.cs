using Exchange.Matching;
using Orleans.Concurrency;

namespace Exchange.Markets;

/// <summary>A level's new total size after a batch (0: the level is gone).</summary>
[GenerateSerializer, Immutable, Alias("LevelChange")]
public readonly record struct LevelChange(Side Side, long Price, long Size);

[GenerateSerializer, Immutable, Alias("PublicTrade")]
public readonly record struct PublicTrade(long Sequence, long Timestamp, long Price, long Size, Side TakerSide, bool Liquidation = false)
{
    /// <summary>The public trades in one command's events; a trade whose taker is a liquidation order (accepted in the same
    /// command, since liquidation orders are immediate-or-cancel) is marked as one.</summary>
    public static void Collect(MarketEvent[] events, List<PublicTrade> into)
    {
        long liquidationOrder = 0;
        foreach (ref readonly var e in events.AsSpan())
        {
            if (e.Kind == EventKind.OrderAccepted) liquidationOrder = (e.Flags & OrderFlags.Liquidation) != 0 ? e.OrderId : 0;
            else if (e.Kind == EventKind.TradeExecuted)
                into.Add(new PublicTrade(e.Sequence, e.Timestamp, e.Price, e.Size, e.Side, liquidationOrder != 0 && e.OrderId == liquidationOrder));
        }
    }
}

/// <summary>
/// The committed changes of one journal batch, covering market sequences <see cref="FromSequence"/> to
/// <see cref="ToSequence"/>. Consecutive updates chain (From = previous To + 1). The market sends them in order,
/// but an observer may receive them out of order (Orleans runs observer calls concurrently), so a subscriber
/// keeps the sequence it holds (from a snapshot, then from updates), skips updates at or below it, holds back
/// updates that start beyond it until the missing ones arrive, and resynchronises from a snapshot only if a
/// gap persists.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketDataUpdate")]
public sealed record MarketDataUpdate(
    string Symbol, long FromSequence, long ToSequence, LevelChange[] Levels, PublicTrade[] Trades, MarketMode Mode);

/// <summary>Top levels of both sides as of <see cref="Sequence"/>, which is committed.</summary>
[GenerateSerializer, Immutable, Alias("BookView")]
public sealed record BookView(string Symbol, long Sequence, MarketMode Mode, PriceLevel[] Bids, PriceLevel[] Asks);

public interface IMarketDataObserver : IGrainObserver
{
    [OneWay]
    Task OnMarketData(MarketDataUpdate update);
}
