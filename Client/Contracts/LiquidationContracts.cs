namespace Exchange.Client.Contracts;

/// <param name="Step">book (a liquidation order traded), fund (the insurance fund took it over), adl (a profitable opposite
/// position was closed against it), fee (the liquidation fee paid to the fund; size is then empty and amount says how much).</param>
/// <param name="Side">The liquidated account's side in this step (sell closes a long).</param>
/// <param name="Shortfall">For fund and adl steps: the loss at the mark taken by the other side, |price - mark| x size, when the
/// price is worse than the mark for it (null when the mark it committed at is not known, after a restart).</param>
public sealed record LiquidationResponse(long Sequence, long Time, string Symbol, string Step, string Side, string? Price, string? Size,
    string? Amount, string? MarkPrice, string? Shortfall);

/// <param name="AccountId">The liquidated account.</param>
/// <param name="CounterpartyId">Who took the other side: the book's maker, the fund, the deleveraged trader (the fund for a fee).</param>
public sealed record AccountLiquidationStep(long AccountId, long CounterpartyId, LiquidationResponse Step);

/// <param name="Complete">False when steps after the cursor asked for were no longer held (the market keeps the latest
/// <c>Exchange:Markets:RecentLiquidations</c>, 16,384 by default): the reader fell behind and missed some.</param>
/// <param name="Next">The cursor to read after next: the last step's sequence, or the one asked for when there were none.</param>
public sealed record LiquidationStepsResponse(string Symbol, bool Complete, long Next, AccountLiquidationStep[] Steps);

/// <param name="Batches">Batches of under-margined accounts received from the risk shards.</param>
/// <param name="Backstopped">Accounts whose position the fund or deleveraging took.</param>
/// <param name="ToBook">Accounts sent to the book with a liquidation order.</param>
/// <param name="HandedBack">Accounts left to liquidate themselves (they moved since the verdict, the mark moved in their favour,
/// their position needs several slices, or a step failed).</param>
/// <param name="Transfers">Position transfers committed (takeovers and deleveragings).</param>
/// <param name="Entries">Accounts received in those batches (one found again is counted again).</param>
/// <param name="MeanMs">Mean time from a shard first finding an account to the end of the liquidator's chunk with it.</param>
/// <param name="SlowestMs">The longest such time.</param>
/// <param name="Chunks">Chunks of distinct accounts decided (an account found again while it waited is decided once).</param>
/// <param name="Waiting">Accounts waiting to be decided now.</param>
/// <param name="TimeMs">Where the chunks' time went, in total: reading the market, the book step (orders and fees), the fund's view
/// (with the wait for its last takeovers), the deleveraging candidates, the transfers; and, beside the chunks, the checks of the
/// fund's loss against its cap (with its deleveraging past it).</param>
/// <param name="FundChecks">Checks of the insurance fund's loss here against its cap (one per new mark while it may hold a position).</param>
/// <param name="FundDeleveraged">The size of the fund's positions deleveraged here past its cap.</param>
public sealed record LiquidatorResponse(string Symbol, long Batches, long Backstopped, long ToBook, long HandedBack, long Transfers,
    long Entries, long MeanMs, long SlowestMs, long Chunks, long Waiting, LiquidatorTimeResponse TimeMs, long FundChecks, string FundDeleveraged);

public sealed record LiquidatorTimeResponse(long Read, long Book, long Fund, long Candidates, long Transfers, long FundChecks);

/// <param name="Balance">The fund's equity: its collateral plus the unrealised PnL of positions it took over.</param>
/// <param name="FundLossCapBps">The most the fund may lose in this market, in basis points of its equity (positions it holds
/// here included), before the rest is auto-deleveraged.</param>
public sealed record InsuranceFundResponse(string Symbol, long FundAccountId, string Balance, string Collateral, int FeeBps, int FundLossCapBps,
    string SliceSize, long CooldownMs, LiquidationResponse[] History);

public sealed record LiquidationRulesRequest(long FundAccountId, int? FeeBps, string? SliceSize, long? CooldownMs, int? FundLossCapBps);
