using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// What a market refuses while its journal falls behind (BitMEX, March 2020: the venues that refused cancels under load
/// turned an overload into losses). Only commands that add risk are refused, at once and without touching the book or
/// the journal: a new order that is not reduce-only, and an amend that grows an order. Cancels, cancel-all, reduce-only
/// orders, amends that shrink or move an order, and the market's own commands always join the queue.
/// </summary>
internal static class LoadShedding
{
    /// <summary>Whether the market is overloaded now: too many commands waiting for the journal, or the journal slow.</summary>
    public static bool Overloaded(JournalWriter writer, MarketOptions options) =>
        writer.Open.Waiting >= options.ShedQueuedCommands || writer.Latency >= options.ShedJournalLatency;

    public static bool AddsRisk(FastOrderBook book, MarketCommand command) => command switch
    {
        PlaceCommand c => (c.Order.Flags & OrderFlags.ReduceOnly) == 0,
        AmendCommand c => Grows(book, c.Amend),
        _ => false,
    };

    private static bool Grows(FastOrderBook book, in AmendOrder amend)
    {
        var orderId = amend.OrderId;
        if (orderId == 0 && (amend.ClientOrderId is null || !book.TryGetOrderId(amend.AccountId, amend.ClientOrderId, out orderId))) return false;
        return book.TryGetOrder(orderId, out var order) && amend.NewSize > order.Remaining;
    }

    /// <summary>The refusal, as the book words a rejection (at its current sequence: it changes nothing).</summary>
    public static CommandOutcome Refusal(FastOrderBook book, MarketCommand command, long timestamp, long accountPrevious)
    {
        var (accountId, clientOrderId, orderId) = command switch
        {
            PlaceCommand c => (c.Order.AccountId, c.Order.ClientOrderId, 0L),
            AmendCommand c => (c.Amend.AccountId, c.Amend.ClientOrderId, c.Amend.OrderId),
            _ => (MarketCommandRunner.AccountOf(command), null, 0L),
        };
        return new CommandOutcome(CommandStatus.Committed,
            [MarketEvent.Rejected(book.Sequence, timestamp, accountId, RejectReason.Overloaded, clientOrderId, orderId)], AccountPrevious: accountPrevious);
    }
}
