namespace Exchange.Accounts;

/// <summary>
/// Whether this activation of an account may still serve. Once its view may be wrong (a transfer write whose outcome
/// is unknown, a snapshot another activation replaced) it stops for good and deactivates: the next activation reloads
/// the truth from the store and the markets. Nothing is ever stored from a stopped activation.
/// </summary>
internal sealed class ActivationHealth(Action deactivate)
{
    /// <summary>Why the activation stopped serving (null: it serves).</summary>
    public string? Reason { get; private set; }

    public bool Stopped => Reason is not null;

    public void Stop(string reason)
    {
        Reason = reason;
        deactivate();
    }

    public void ThrowIfStopped()
    {
        if (Reason is not null) throw new AccountUnavailableException(Reason);
    }
}
