using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.Errors;

/// <summary>The API error for each refusal the grains can give. Every enum value has an entry (a test checks it).</summary>
public static class RejectionErrors
{
    public static ApiError For(RejectReason reason) => reason switch
    {
        RejectReason.InvalidAccount => ApiError.BadRequest(ErrorCodes.InvalidAccount, "the account is not valid"),
        RejectReason.InvalidPrice => ApiError.BadRequest(ErrorCodes.InvalidPrice, "the price is outside the market's range"),
        RejectReason.InvalidSize => ApiError.BadRequest(ErrorCodes.InvalidSize, "the size is outside the market's range"),
        RejectReason.InvalidClientOrderId => ApiError.BadRequest(ErrorCodes.InvalidClientOrderId, "a client order id is 1 to 64 printable ASCII characters"),
        RejectReason.InvalidOrderTerms => ApiError.BadRequest(ErrorCodes.InvalidOrderTerms, "this combination of type, time in force and flags is not allowed"),
        RejectReason.DuplicateClientOrderId => ApiError.Conflict(ErrorCodes.DuplicateClientOrderId, "the client order id was already used"),
        RejectReason.PostOnlyWouldTake => ApiError.Refused(ErrorCodes.PostOnlyWouldTake, "the post-only order would trade on arrival"),
        RejectReason.NoLiquidity => ApiError.Refused(ErrorCodes.NoLiquidity, "no opposite orders to price the market order against"),
        RejectReason.OrderNotFound => ApiError.OrderNotFound(),
        RejectReason.NoChange => ApiError.Conflict(ErrorCodes.NoChange, "the amend asks for what the order already is"),
        RejectReason.MarketHalted => ApiError.Refused(ErrorCodes.MarketHalted, "the market is halted"),
        RejectReason.MarketCancelOnly => ApiError.Refused(ErrorCodes.MarketCancelOnly, "the market accepts only cancels"),
        RejectReason.MarketPostOnly => ApiError.Refused(ErrorCodes.MarketPostOnly, "the market accepts only limit GTC orders that rest"),
        RejectReason.MarketInAuction => ApiError.Refused(ErrorCodes.MarketInAuction, "during the auction only limit GTC orders are accepted"),
        RejectReason.NotInAuction => ApiError.Refused(ErrorCodes.NotInAuction, "the market is not in an auction"),
        RejectReason.BookCrossed => ApiError.Refused(ErrorCodes.BookCrossed, "the book is crossed: uncross the auction first"),
        RejectReason.InvalidMode => ApiError.Conflict(ErrorCodes.InvalidMode, "the market is already in that mode"),
        RejectReason.InvalidRisk => ApiError.BadRequest(ErrorCodes.InvalidRisk,
            "risk parameters need a maker rebate no larger than the taker fee, tiers from notional 0 upwards, and 0 < maintenance <= initial <= 10000 bps"),
        RejectReason.InvalidReason => ApiError.BadRequest(ErrorCodes.InvalidReason, $"a reason is 1 to {ModeCause.MaxReasonLength} printable ASCII characters"),
        RejectReason.NoIndex => ApiError.BadRequest(ErrorCodes.NoIndex, "the market follows no index, or the index reading is not valid"),
        RejectReason.RemainingChanged => ApiError.Conflict(ErrorCodes.OrderChanged,
            "the order was filled or changed after its open size was read: read it again and amend what is left"),
        RejectReason.PriceOutsideBand => ApiError.Refused(ErrorCodes.PriceOutsideBand,
            "the limit price is beyond the market's price band around its reference price"),
        RejectReason.InvalidBreakerRules => ApiError.BadRequest(ErrorCodes.InvalidBreakerRules,
            $"breaker rules need bands of 0 (off) to {BreakerRules.MaxBps} bps, and a velocity of 0 with a window of 0, or both positive (window up to {BreakerRules.MaxWindowMs} ms)"),
        RejectReason.InvalidTrigger => ApiError.BadRequest(ErrorCodes.InvalidTrigger,
            $"a stop or take-profit needs a trigger price inside the market's range; a trailing stop a callback of {TriggerBook.MinCallbackBps} to {TriggerBook.MaxCallbackBps} bps and no trigger price"),
        RejectReason.WouldTriggerImmediately => ApiError.Refused(ErrorCodes.WouldTriggerImmediately,
            "the trigger price is already reached: the order would fire at once (send an ordinary order instead)"),
        RejectReason.InvalidLiquidationRules => ApiError.BadRequest(ErrorCodes.InvalidLiquidationRules,
            $"liquidation rules need a positive fund account id, a fee of 0 to {Exchange.Risk.LiquidationRules.MaxFeeBps} bps, a positive slice, a cooldown of 0 to {Exchange.Risk.LiquidationRules.MaxCooldownMs} ms and a fund loss cap of 0 to 10000 bps"),
        RejectReason.NoLiquidationRules => ApiError.Refused(ErrorCodes.NoLiquidationRules, "the market has no liquidation rules (no insurance fund)"),
        RejectReason.FundingNotDue => ApiError.Conflict(ErrorCodes.FundingNotDue, "that funding interval is already settled, or the market has no mark yet"),
        RejectReason.InvalidTransfer => ApiError.BadRequest(ErrorCodes.InvalidTransfer, "the position transfer or fee names values that do not exist"),
        RejectReason.TransferBeyondPosition => ApiError.Conflict(ErrorCodes.TransferBeyondPosition,
            "the position transfer would close more than the account, or its counterparty, holds"),
        RejectReason.InvalidOpenInterestLimits => ApiError.BadRequest(ErrorCodes.InvalidOpenInterestLimits,
            "open-interest limits are sizes of 0 (no cap) or more, in whole lots"),
        RejectReason.OpenInterestLimit => ApiError.Refused(ErrorCodes.OpenInterestLimit,
            "the order could take the market's open interest beyond its cap (see maxOpenInterest on the market); orders that reduce a position are still taken"),
        RejectReason.Overloaded => ApiError.Unavailable(ErrorCodes.Overloaded,
            "the market is overloaded and takes no new risk for a moment; cancels and reduce-only orders are still accepted").With("retryAfter", 1),
        _ => new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, $"unexpected rejection {reason}"),
    };

    public static ApiError For(AccountReject reject) => reject switch
    {
        AccountReject.InvalidAmount => ApiError.BadRequest(ErrorCodes.InvalidAmount, "the amount must be positive"),
        AccountReject.InsufficientMargin => ApiError.Refused(ErrorCodes.InsufficientMargin, "the order needs more initial margin than the account has available"),
        AccountReject.InsufficientFunds => ApiError.Refused(ErrorCodes.InsufficientFunds, "the withdrawal exceeds what the margin rules leave free"),
        AccountReject.ReduceOnlyWouldIncrease => ApiError.Refused(ErrorCodes.ReduceOnlyWouldIncrease, "a reduce-only order must shrink the position"),
        AccountReject.UnknownMarket => ApiError.NotFound(ErrorCodes.UnknownMarket, "no such market"),
        AccountReject.TransferIdConflict => ApiError.Conflict(ErrorCodes.TransferIdConflict, "the transfer id was used with a different amount or direction"),
        AccountReject.InvalidAccount => ApiError.BadRequest(ErrorCodes.InvalidAccount, "the account is not valid"),
        AccountReject.OrderNotFound => ApiError.OrderNotFound(),
        AccountReject.MarkUntrusted => ApiError.Unavailable(ErrorCodes.MarkUntrusted,
            "a market this account is exposed to has no trusted mark now (its index is stale): only orders that reduce a position are taken until it is fresh again"),
        AccountReject.Liquidating => ApiError.Conflict(ErrorCodes.Liquidating,
            "the account is being liquidated: until that is done only orders that reduce a position are taken and nothing is withdrawn"),
        AccountReject.OpenInterestLimit => ApiError.Refused(ErrorCodes.OpenInterestLimit,
            "the order could take the account's position in the market beyond its cap (see maxPositionSize on the market), counting the account's other orders on that side; orders that reduce a position are still taken"),
        _ => new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, $"unexpected account refusal {reject}"),
    };

    /// <summary>A command that did not commit: <see cref="For(CommandStatus, string?)"/>, or JOURNAL_UNAVAILABLE when the market refused it for want of its journal.</summary>
    public static ApiError For(CommandOutcome outcome) => outcome is { Status: CommandStatus.Failed, JournalUnavailable: true }
        ? JournalUnavailable(outcome.Error ?? "the market's journal cannot be reached")
        : For(outcome.Status, outcome.Error);

    /// <summary>
    /// Definitely not applied because a market's journal or an account's store cannot be reached now, or the grain is
    /// reloading after losing it (a market's refusal, or an <see cref="UnavailableException"/>, which grains throw only
    /// before anything was sent). Retry with the same client order id or transfer id once the exchange answers.
    /// </summary>
    public static ApiError JournalUnavailable(string why) => ApiError.Unavailable(ErrorCodes.JournalUnavailable,
        $"not applied ({why}); it is safe to retry");

    /// <summary>A command that did not commit. Failed is definite (safe to retry); Unknown must be asked about.</summary>
    public static ApiError For(CommandStatus status, string? error) => status switch
    {
        CommandStatus.Failed => ApiError.Unavailable(ErrorCodes.ServiceUnavailable,
            $"not applied ({error ?? "the market could not take it"}); it is safe to retry"),
        _ => OutcomeUnknown(error ?? "the cluster could not confirm the outcome"),
    };

    /// <summary>A command the cluster failed to answer: the exception's type, and a database error's SQLSTATE, say why.</summary>
    public static ApiError NotAnswered(Exception ex) =>
        OutcomeUnknown($"the cluster did not answer ({ex.GetType().Name}{(ex is Npgsql.PostgresException p ? " " + p.SqlState : "")})");

    public static ApiError OutcomeUnknown(string why) => ApiError.Unavailable(ErrorCodes.OutcomeUnknown,
        $"{why}; the command may or may not have been applied: ask by client order id (or transfer id) before retrying");
}
