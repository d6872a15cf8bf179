namespace Exchange.Matching;

/// <summary>
/// One market's order book and matching rules: pure, single-threaded, deterministic. Every command appends the
/// events it caused to <c>events</c> (the caller clears it) and takes its time from <c>timestamp</c>; the book
/// reads no clock and draws no random number, so the same commands always give the same events and state hash.
/// Two implementations exist: <see cref="ReferenceOrderBook"/> (obviously correct) and <see cref="FastOrderBook"/>.
/// </summary>
public interface IOrderBook
{
    MarketSpec Spec { get; }
    MarketMode Mode { get; }

    /// <summary>The sequence number of the last state-changing event (0 before any).</summary>
    long Sequence { get; }

    int RestingOrderCount { get; }

    /// <summary>
    /// Takes the next sequence number for an event that changes state beside the book (the conditional orders of the
    /// <see cref="TriggerBook"/>), so that the market's numbers stay gap-free and in the order things happened.
    /// </summary>
    long TakeSequence();

    /// <summary>The market's conditional orders, kept beside the book and captured with it (see <see cref="TriggerBook"/>).</summary>
    TriggerBook Triggers { get; }

    /// <summary>The price of the latest trade or uncross (0 before any): the mark price falls back to it, and without a
    /// trusted index it is the price band's reference.</summary>
    long LastTradePrice { get; }

    /// <summary>The id the next accepted order will get: every lower positive id was accepted here.</summary>
    long NextOrderId { get; }

    void Place(in PlaceOrder order, long timestamp, EventBuffer events);
    void Cancel(in CancelOrder cancel, long timestamp, EventBuffer events);
    void Amend(in AmendOrder amend, long timestamp, EventBuffer events);

    /// <summary>Cancels every resting order of the account, in ascending order id.</summary>
    void CancelAll(long accountId, long timestamp, EventBuffer events);

    /// <summary>The journaled parameters beside the orders: mark, risk parameters, and the cause of the mode.</summary>
    MarketTerms Terms { get; }

    /// <summary>Changes the mode on an operator's word, with no reason given.</summary>
    void SetMode(MarketMode mode, long timestamp, EventBuffer events);

    void SetMode(MarketMode mode, ModeCause cause, long timestamp, EventBuffer events);

    /// <summary>Sets the mark price (0 clears it: the last trade price serves until one is set again).</summary>
    void SetMarkPrice(long price, long timestamp, EventBuffer events);

    void SetRisk(MarketRisk risk, long timestamp, EventBuffer events);

    /// <summary>
    /// Sets the price band and velocity rules (<see cref="BreakerRules.Off"/>: none). Switching the velocity rule off
    /// forgets the recent trades it measured against.
    /// </summary>
    void SetBreakerRules(BreakerRules rules, long timestamp, EventBuffer events);

    /// <summary>Sets the market's open-interest caps (<see cref="Risk.OpenInterestLimits.None"/>: none).</summary>
    void SetOpenInterestLimits(Risk.OpenInterestLimits limits, long timestamp, EventBuffer events);

    /// <summary>Every account's position as the book counted it from its trades and transfers, and the open interest.</summary>
    MarketPositions Positions { get; }

    /// <summary>Sets how the market liquidates: its insurance fund, fee, slices and the fund's loss cap.</summary>
    void SetLiquidationRules(Risk.LiquidationRules rules, long timestamp, EventBuffer events);

    /// <summary>
    /// Moves (part of) a liquidated position to the fund or to a deleveraged trader at the bankruptcy price, outside the
    /// book: no order rests or trades, the last trade price does not move. See <see cref="OrderRules.CheckTransfer"/>.
    /// </summary>
    void TransferPosition(in Risk.PositionTransfer transfer, long timestamp, EventBuffer events);

    /// <summary>Moves a liquidation fee from a liquidated account to the market's insurance fund.</summary>
    void ChargeLiquidationFee(long accountId, long amount, long timestamp, EventBuffer events);

    /// <summary>
    /// Settles funding for the interval ending at <paramref name="periodEnd"/> (ms) of <paramref name="intervalMs"/>, at the
    /// mark and the trusted index (<see cref="Risk.FundingRate"/>): a market-wide event every account applies to its
    /// position. An interval at or before the last one settled is refused, so each is settled once however often asked.
    /// </summary>
    void ApplyFunding(long periodEnd, long intervalMs, long timestamp, EventBuffer events);

    /// <summary>
    /// Ends an auction: executes at the single price that maximises executed volume (ties: smallest imbalance,
    /// then closest to <paramref name="referencePrice"/>, then the lower price), then opens the market.
    /// </summary>
    void Uncross(long referencePrice, long timestamp, EventBuffer events);

    /// <summary>Uncrosses on another actor's word (the oracle's reopening auction); the cause goes with the mode change to Open.</summary>
    void Uncross(long referencePrice, ModeCause cause, long timestamp, EventBuffer events);

    /// <summary>
    /// Takes a reading of the market's index (<see cref="IndexFollowing"/>): records it, moves the mark, may step the
    /// margin schedule and the mode. Rejected <see cref="RejectReason.NoIndex"/> for a market that follows none.
    /// </summary>
    void ApplyIndex(in IndexTick tick, long timestamp, EventBuffer events);

    bool TryGetOrder(long orderId, out OrderView order);

    /// <summary>The order an account placed under a client order id (it may no longer rest).</summary>
    bool TryGetOrderId(long accountId, string clientOrderId, out long orderId);

    bool TryGetBestPrice(Side side, out long price);

    /// <summary>Aggregated levels of one side from the best price outwards.</summary>
    void CopyDepth(Side side, int maxLevels, List<PriceLevel> into);

    /// <summary>The level at one price (size 0 when nothing rests there).</summary>
    PriceLevel LevelAt(Side side, long price);

    /// <summary>Resting orders of one side in priority order (best price first, then time).</summary>
    IEnumerable<OrderView> RestingOrders(Side side);

    /// <summary>The whole state, to rebuild an equal book from (each book has a constructor taking one).</summary>
    BookSnapshot Capture();

    /// <summary>A hash of everything that decides future behaviour; equal for books in the same state.</summary>
    ulong StateHash();

    /// <summary>Throws <see cref="InvalidOperationException"/> when the book's internal structures disagree.</summary>
    void CheckConsistency();
}
