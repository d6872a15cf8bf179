namespace Exchange.Matching;

public enum Side : byte { Buy, Sell }

public enum OrderType : byte { Limit, Market }

/// <summary>How long an order may wait. Market orders never rest: GTC on a market order means IOC.</summary>
public enum TimeInForce : byte
{
    GoodTillCancel,
    ImmediateOrCancel,
    /// <summary>Fill the whole size at once or nothing; decided before anything trades.</summary>
    FillOrKill,
}

[Flags]
public enum OrderFlags : byte
{
    None = 0,
    /// <summary>Rejected if it would take liquidity on arrival.</summary>
    PostOnly = 1,
    /// <summary>Carried for the account layer, which enforces it; the book ignores it.</summary>
    ReduceOnly = 2,
    /// <summary>Sent by the liquidation engine for an account it closes (never accepted from a trader): marks the order,
    /// and its trades in the public feed, as a liquidation.</summary>
    Liquidation = 4,
}

/// <summary>What happens when an order would trade with a resting order of the same account. The taker's choice decides.</summary>
public enum SelfTradePrevention : byte
{
    CancelTaker,
    CancelMaker,
    CancelBoth,
    /// <summary>Trade with one's own orders (wash trades are the account holder's responsibility, as on venues that offer it).</summary>
    None,
}

public enum MarketMode : byte
{
    Open,
    /// <summary>Only orders that rest without trading are accepted.</summary>
    PostOnly,
    /// <summary>Only cancels are accepted.</summary>
    CancelOnly,
    /// <summary>The book is frozen: every order command is rejected.</summary>
    Halted,
    /// <summary>Limit GTC orders rest even when they cross; nothing trades until <c>Uncross</c>.</summary>
    Auction,
}

public static class SideExtensions
{
    public static Side Opposite(this Side side) => side == Side.Buy ? Side.Sell : Side.Buy;
}
