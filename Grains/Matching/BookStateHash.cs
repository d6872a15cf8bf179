namespace Exchange.Matching;

/// <summary>
/// The canonical state hash: mode, sequence, next order id, every resting order in priority order, and the
/// client-order-id map. Both books feed it the same traversal, so equal states give equal hashes.
/// </summary>
internal static class BookStateHash
{
    public static ulong Compute(IOrderBook book, long nextOrderId, ulong clientOrderIdsHash)
    {
        var h = new Fnv64();
        h.Add(book.Spec.Symbol);
        h.Add((long)book.Mode);
        h.Add(book.Sequence);
        h.Add(nextOrderId);
        h.Add(book.LastTradePrice);
        foreach (var side in (ReadOnlySpan<Side>)[Side.Buy, Side.Sell])
        {
            h.Add((long)side);
            foreach (var o in book.RestingOrders(side))
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
        return h.Value;
    }
}
