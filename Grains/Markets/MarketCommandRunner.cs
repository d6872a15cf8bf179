using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>Runs a journaled command against a book: the one place that maps commands to book calls.</summary>
public static class MarketCommandRunner
{
    public static void Run(IOrderBook book, MarketCommand command, long timestamp, EventBuffer events)
    {
        switch (command)
        {
            case PlaceCommand c: book.Place(c.Order, timestamp, events); break;
            case CancelCommand c: book.Cancel(c.Cancel, timestamp, events); break;
            case AmendCommand c: book.Amend(c.Amend, timestamp, events); break;
            case CancelAllCommand c: book.CancelAll(c.AccountId, timestamp, events); break;
            case SetModeCommand c: book.SetMode(c.Mode, c.Cause, timestamp, events); break;
            case SetMarkPriceCommand c: book.SetMarkPrice(c.Price, timestamp, events); break;
            case SetRiskCommand c: book.SetRisk(c.Risk, timestamp, events); break;
            case UncrossCommand c: book.Uncross(c.ReferencePrice, timestamp, events); break;
            case ApplyIndexCommand c: book.ApplyIndex(c.Tick, timestamp, events); break;
            case SetBreakerRulesCommand c: book.SetBreakerRules(c.Rules, timestamp, events); break;
            case SetLiquidationRulesCommand c: book.SetLiquidationRules(c.Rules, timestamp, events); break;
            case SetOpenInterestLimitsCommand c: book.SetOpenInterestLimits(c.Limits, timestamp, events); break;
            case TransferPositionCommand c: book.TransferPosition(c.Transfer, timestamp, events); break;
            case ChargeLiquidationFeeCommand c: book.ChargeLiquidationFee(c.AccountId, c.Amount, timestamp, events); break;
            case ApplyFundingCommand c: book.ApplyFunding(c.PeriodEnd, c.IntervalMs, timestamp, events); break;
            case ReopenCommand c: book.Uncross(c.ReferencePrice, c.Cause, timestamp, events); break;
            case PlaceConditionalCommand c: book.Triggers.Place(book, c.Terms, timestamp, events); return;
            case CancelConditionalCommand c: book.Triggers.Cancel(book, c.AccountId, c.ConditionalId, c.ClientOrderId, timestamp, events); return;
            default: throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command));
        }
        // A cancel-all takes the account's conditional orders too; and inside every command that may have moved the mark
        // or the last price, what they now reach fires, in sequence with the command's own events.
        if (command is CancelAllCommand all) book.Triggers.CancelAll(book, all.AccountId, timestamp, events);
        book.Triggers.Fire(book, timestamp, events);
    }

    /// <summary>Whether a command (from the wire, possibly hostile) is one the runner knows, with its parts present.</summary>
    public static bool IsWellFormed(MarketCommand? command) =>
        command is PlaceCommand or CancelCommand or AmendCommand or CancelAllCommand or SetModeCommand or UncrossCommand
            or SetMarkPriceCommand or SetRiskCommand or ApplyIndexCommand or SetBreakerRulesCommand { Rules: not null }
            or SetLiquidationRulesCommand { Rules: not null } or SetOpenInterestLimitsCommand { Limits: not null } or TransferPositionCommand or ChargeLiquidationFeeCommand or ApplyFundingCommand
            or ReopenCommand { Cause.IsValid: true } or PlaceConditionalCommand or CancelConditionalCommand;

    /// <summary>The account a command speaks for (0: none, the market's own commands).</summary>
    public static long AccountOf(MarketCommand command) => command switch
    {
        PlaceCommand c => c.Order.AccountId,
        CancelCommand c => c.Cancel.AccountId,
        AmendCommand c => c.Amend.AccountId,
        CancelAllCommand c => c.AccountId,
        TransferPositionCommand c => c.Transfer.AccountId,
        ChargeLiquidationFeeCommand c => c.AccountId,
        PlaceConditionalCommand c => c.Terms.Order.AccountId,
        CancelConditionalCommand c => c.AccountId,
        _ => 0,
    };

    /// <summary>
    /// For a liquidation step that names the account cursor it was decided at: why it may not run (the account has an
    /// event after that cursor, or a funding or risk change came after it, so the step was decided on an old view of it,
    /// or already ran), else null. A mode change after the cursor does not stop it: the book applies the mode to the step. Checked on the
    /// market's turn against the heads the open batch keeps current, and never journaled: a step refused here never ran.
    /// </summary>
    internal static string? AccountMovedSince(MarketCommand command, AccountHeads heads)
    {
        var (accountId, cursor) = command switch
        {
            PlaceCommand c => (c.Order.AccountId, c.AccountCursor),
            TransferPositionCommand c => (c.Transfer.AccountId, c.AccountCursor),
            ChargeLiquidationFeeCommand c => (c.AccountId, c.AccountCursor),
            _ => (0L, -1L),
        };
        if (cursor < 0 || accountId <= 0) return null;
        return heads.MayHaveMovedAfter(accountId, cursor)
            ? $"account {accountId} may have moved in this market after sequence {cursor}; decide the step again" : null;
    }

    /// <summary>Whether any of the events changed state (and so must be journaled).</summary>
    public static bool ChangesState(ReadOnlySpan<MarketEvent> events)
    {
        foreach (ref readonly var e in events)
            if (e.Kind != EventKind.OrderRejected) return true;
        return false;
    }
}
