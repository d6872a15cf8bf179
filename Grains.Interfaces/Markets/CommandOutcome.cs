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
public sealed record CommandOutcome(CommandStatus Status, MarketEvent[] Events, string? Error = null, long AccountPrevious = -1,
    MarkReport Mark = default)
{
    public static CommandOutcome Fail(string error) => new(CommandStatus.Failed, [], error);

    public static CommandOutcome Unknown(string error) => new(CommandStatus.Unknown, [], error);

    /// <summary>The rejection reason if the command was rejected, else None.</summary>
    public RejectReason Rejection =>
        Events is [{ Kind: EventKind.OrderRejected } rejected] ? rejected.Reject : RejectReason.None;
}
