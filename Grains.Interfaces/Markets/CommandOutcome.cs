using Exchange.Matching;

namespace Exchange.Markets;

public enum CommandStatus : byte
{
    /// <summary>The events are committed to the journal (a rejection: judged against committed state).</summary>
    Committed,
    /// <summary>Definitely not applied: nothing of it is in the journal, and nothing will be.</summary>
    Failed,
    /// <summary>The journal could not be reached to tell; ask again (by client order id) once the market answers.</summary>
    Unknown,
}

/// <summary>What one command did. <see cref="Events"/> is empty unless <see cref="Status"/> is Committed.</summary>
[GenerateSerializer, Immutable, Alias("CommandOutcome")]
/// <param name="AccountPrevious">
/// The market sequence of the commanding account's previous event in this market, so the account can apply
/// these events in order (-1 when the market cannot tell).
/// </param>
/// <param name="Mark">The market's committed mark when it answered (price 0: none yet), so that accounts need not ask.</param>
/// <param name="JournalUnavailable">
/// Failed because the market's journal cannot be reached now (a write failed, the market is reloading, or it could not
/// load): definitely not applied, and worth retrying once the database answers. Distinct from Unknown, which is left to
/// the commands that were actually in flight when the journal went away.
/// </param>
public sealed record CommandOutcome(CommandStatus Status, MarketEvent[] Events, string? Error = null, long AccountPrevious = -1,
    MarkReport Mark = default, bool JournalUnavailable = false)
{
    public static CommandOutcome Fail(string error, bool journalUnavailable = false) =>
        new(CommandStatus.Failed, [], error, JournalUnavailable: journalUnavailable);

    public static CommandOutcome Unknown(string error) => new(CommandStatus.Unknown, [], error);

    /// <summary>The rejection reason if the command was rejected, else None.</summary>
    public RejectReason Rejection =>
        Events is [{ Kind: EventKind.OrderRejected } rejected] ? rejected.Reject : RejectReason.None;
}
