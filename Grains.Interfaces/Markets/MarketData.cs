using Exchange.Matching;
using Orleans.Concurrency;

namespace Exchange.Markets;

/// <summary>A level's new total size after a batch (0: the level is gone).</summary>
[GenerateSerializer, Immutable, Alias("LevelChange")]
public readonly record struct LevelChange(Side Side, long Price, long Size);

[GenerateSerializer, Immutable, Alias("PublicTrade")]
public readonly record struct PublicTrade(long Sequence, long Timestamp, long Price, long Size, Side TakerSide);

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
