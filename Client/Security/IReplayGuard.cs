namespace Exchange.Client.Security;

/// <summary>
/// Remembers accepted signatures so that a request is acted on once. A signature is needed until its timestamp can no
/// longer pass the window check, <c>timestamp + window</c>; the caller passes the same clock reading it checked the
/// window with, so the check and the guard can never disagree about which millisecond it is.
/// </summary>
public interface IReplayGuard
{
    /// <summary>Records the signature; false if it was already recorded (a replay). Throws if the guard cannot be reached.</summary>
    ValueTask<bool> TryRecord(string signature, long timestampMs, long nowMs, CancellationToken cancellationToken);
}
