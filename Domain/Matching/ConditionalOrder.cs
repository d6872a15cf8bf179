namespace Exchange.Matching;

/// <summary>What makes a conditional order fire, given the side of the order it places.</summary>
public enum TriggerKind : byte
{
    /// <summary>A stop: a buy fires when the price rises to the trigger price or above, a sell when it falls to it or below.</summary>
    Stop,
    /// <summary>A take-profit: a buy fires when the price falls to the trigger price or below, a sell when it rises to it or above.</summary>
    TakeProfit,
    /// <summary>
    /// A trailing stop: a sell follows the highest price seen since it was accepted and fires when the price falls
    /// <see cref="ConditionalTerms.CallbackBps"/> below it; a buy follows the lowest and fires that far above it.
    /// </summary>
    TrailingStop,
}

/// <summary>Which of the market's prices a conditional order watches.</summary>
public enum TriggerSource : byte
{
    /// <summary>The market's committed mark (the journaled mark, else the last trade price).</summary>
    MarkPrice,
    /// <summary>The price of the market's last trade (or auction uncross).</summary>
    LastPrice,
}

/// <summary>
/// A conditional order as the trader gives it: the trigger, and the order it places when it fires (market for
/// stop-market and take-profit-market, limit for stop-limit and take-profit-limit). <see cref="TriggerPrice"/> is in
/// ticks; a trailing stop has none (0) and a callback in basis points of the price it follows instead.
/// </summary>
[GenerateSerializer, Immutable, Alias("ConditionalTerms")]
public readonly record struct ConditionalTerms(TriggerKind Kind, TriggerSource Source, long TriggerPrice, int CallbackBps, PlaceOrder Order);

/// <summary>
/// A conditional order held by the market (<see cref="TriggerBook"/>): its id (numbered apart from resting orders), its
/// terms, and for a trailing stop the extreme price it has followed so far (0 until it has seen a price).
/// </summary>
[GenerateSerializer, Immutable, Alias("ConditionalOrder")]
public readonly record struct ConditionalOrder(long Id, ConditionalTerms Terms, long Extreme, long AcceptedAt)
{
    public long AccountId => Terms.Order.AccountId;

    public Side Side => Terms.Order.Side;

    /// <summary>
    /// The price at which a trailing stop fires now: the extreme less (a sell) or plus (a buy) the callback, at least a
    /// tick. For other kinds, the trigger price.
    /// </summary>
    public long EffectiveTrigger
    {
        get
        {
            if (Terms.Kind != TriggerKind.TrailingStop) return Terms.TriggerPrice;
            if (Extreme == 0) return 0;
            var distance = Math.Max(1L, (long)((Int128)Extreme * Terms.CallbackBps / 10_000));
            return Side == Side.Sell ? Extreme - distance : checked(Extreme + distance);
        }
    }

    /// <summary>This order after seeing <paramref name="price"/> (a trailing stop moves its extreme; nothing else changes).</summary>
    public ConditionalOrder Seeing(long price)
    {
        if (Terms.Kind != TriggerKind.TrailingStop || price <= 0) return this;
        if (Extreme == 0 || (Side == Side.Sell ? price > Extreme : price < Extreme)) return this with { Extreme = price };
        return this;
    }

    /// <summary>Whether it fires at <paramref name="price"/> (0: no price yet, nothing fires).</summary>
    public bool FiresAt(long price)
    {
        if (price <= 0) return false;
        var buy = Side == Side.Buy;
        return Terms.Kind switch
        {
            TriggerKind.Stop => buy ? price >= Terms.TriggerPrice : price <= Terms.TriggerPrice,
            TriggerKind.TakeProfit => buy ? price <= Terms.TriggerPrice : price >= Terms.TriggerPrice,
            _ => Extreme != 0 && (buy ? price >= EffectiveTrigger : price <= EffectiveTrigger),
        };
    }
}
