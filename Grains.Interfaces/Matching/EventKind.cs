namespace Exchange.Matching;

public enum EventKind : byte
{
    OrderAccepted,
    OrderRejected,
    TradeExecuted,
    OrderCancelled,
    OrderAmended,
    ModeChanged,
    AuctionUncrossed,
}
