namespace Exchange.Matching;

/// <summary>
/// The canonical state hash: mode, sequence, next order id, the terms (mark, fees and margin tiers, the mode's
/// cause, the index and breaker state when there is one, the open-interest caps), every resting order in priority order, the
/// client-order-id map, and every account's position (an order-independent digest) with the open interest. Both books feed it the same traversal, so equal states give equal hashes.
/// </summary>
internal static class BookStateHash
{
    public static ulong Compute(IOrderBook book, long nextOrderId, ulong clientOrderIdsHash, RecentTrade[] recentTrades) =>
        Compute(book.Spec.Symbol, book.Mode, book.Sequence, nextOrderId, book.LastTradePrice, book.Terms, recentTrades,
            book.RestingOrders(Side.Buy), book.RestingOrders(Side.Sell), clientOrderIdsHash, book.Triggers, book.Positions);

    /// <summary>The same hash from a captured book: it holds the same orders in the same order.</summary>
    public static ulong Compute(string symbol, BookSnapshot snapshot, ulong clientOrderIdsHash) =>
        Compute(symbol, snapshot.Mode, snapshot.Sequence, snapshot.NextOrderId, snapshot.LastTradePrice,
            snapshot.Terms ?? throw new ArgumentException("the snapshot carries no terms", nameof(snapshot)), snapshot.RecentTrades ?? [],
            snapshot.Bids, snapshot.Asks, clientOrderIdsHash, new TriggerBook(snapshot.NextConditionalId, snapshot.Conditionals),
            new MarketPositions(snapshot.Positions));

    private static ulong Compute(string symbol, MarketMode mode, long sequence, long nextOrderId, long lastTradePrice, MarketTerms terms,
        RecentTrade[] recentTrades, IEnumerable<OrderView> bids, IEnumerable<OrderView> asks, ulong clientOrderIdsHash, TriggerBook triggers,
        MarketPositions positions)
    {
        var h = new Fnv64();
        h.Add(symbol);
        h.Add((long)mode);
        h.Add(sequence);
        h.Add(nextOrderId);
        h.Add(lastTradePrice);
        h.Add(terms.MarkPrice);
        AddRisk(ref h, terms.Risk);
        h.Add((long)terms.ModeCause.Actor);
        h.Add(terms.ModeCause.Reason);
        h.Add(terms.MarketWideSequence);
        // Only a market that follows an index hashes it, so the hashes of every other market stay what they were.
        if (terms.Index is { } index) AddIndex(ref h, index);
        // Likewise only a market with breaker rules hashes them and its recent trades (it remembers some only then).
        if (terms.Breaker is { } breaker)
        {
            h.Add(breaker.BandBps);
            h.Add(breaker.VelocityBps);
            h.Add(breaker.VelocityWindowMs);
            h.Add(recentTrades.Length);
            foreach (var t in recentTrades)
            {
                h.Add(t.Timestamp);
                h.Add(t.Price);
            }
        }
        else if (recentTrades.Length > 0) throw new InvalidOperationException("recent trades remembered without breaker rules");
        if (terms.Funding is { } funding)
        {
            h.Add(funding.PeriodEnd);
            h.Add(funding.IntervalMs);
            h.Add(funding.RatePpm);
            h.Add(funding.Mark);
        }
        if (terms.Liquidation is { } liquidation)
        {
            h.Add(liquidation.FundAccountId);
            h.Add(liquidation.FeeBps);
            h.Add(liquidation.SliceLots);
            h.Add(liquidation.CooldownMs);
            h.Add(liquidation.FundLossCapBps);
        }
        // Only a market with caps hashes them; positions only once somebody holds one (an empty market's hash is unchanged).
        if (terms.OpenInterest is { } openInterest)
        {
            h.Add(openInterest.MarketLots);
            h.Add(openInterest.AccountLots);
        }
        if (positions.Count > 0)
        {
            h.Add(positions.OpenInterest);
            h.Add(unchecked((long)positions.Digest));
        }
        foreach (var (side, orders) in (ReadOnlySpan<(Side, IEnumerable<OrderView>)>)[(Side.Buy, bids), (Side.Sell, asks)])
        {
            h.Add((long)side);
            foreach (var o in orders)
            {
                h.Add(o.OrderId);
                h.Add(o.AccountId);
                h.Add(o.Price);
                h.Add(o.Remaining);
                h.Add(o.Filled);
                h.Add((long)o.Flags);
                h.Add((long)o.SelfTradePrevention);
                h.Add(o.ClientOrderId);
                h.Add(o.AcceptedAt);
            }
        }
        h.Add(unchecked((long)clientOrderIdsHash));
        // Only a market that has held conditional orders hashes its trigger book, so other markets' hashes are unchanged.
        if (triggers.NextId > 1) triggers.AddTo(ref h);
        return h.Value;
    }

    private static void AddRisk(ref Fnv64 h, MarketRisk risk)
    {
        h.Add(risk.MakerFeeBps);
        h.Add(risk.TakerFeeBps);
        foreach (var tier in risk.Tiers)
        {
            h.Add(tier.NotionalFloor);
            h.Add(tier.InitialBps);
            h.Add(tier.MaintenanceBps);
        }
    }

    private static void AddIndex(ref Fnv64 h, IndexState index)
    {
        h.Add(index.Tick.IndexTicks);
        h.Add((long)index.Tick.Status);
        h.Add(index.Tick.AsOf);
        h.Add(index.Tick.HorizonSigmaPpm);
        h.Add((long)index.Tick.Origin);
        h.Add(index.BasisMilliTicks);
        h.Add(index.TrustedSince);
        h.Add(index.AuctionSince);
        h.Add(index.Multipliers.InitialBps);
        h.Add(index.Multipliers.MaintenanceBps);
        h.Add(index.MultipliersSince);
        AddRisk(ref h, index.BaseRisk);
        h.Add(index.OperatorMark ? 1 : 0);
    }
}
