namespace Exchange.Oracles;

/// <summary>
/// Decides which readings an oracle sends to the markets that follow it: a reading that differs from the last one
/// sent (price or status), else the same again once a heartbeat has passed (so a market that hears nothing knows
/// something is wrong), and nothing stale within the first staleness period after activation (the feeds have not
/// yet had a chance to publish to this activation, so "stale" there would only mean "new", and a market would be
/// put into an auction by a restart of its oracle). Pure: time is an argument.
/// </summary>
internal sealed class IndexTicker(long activatedAt, long heartbeatMs)
{
    private IndexUpdate? _sent;
    private long _sentAt;

    /// <summary>The reading to send now, or null; a reading returned counts as sent until <see cref="NotDelivered"/>.</summary>
    public IndexUpdate? Next(IndexUpdate reading, long staleAfterMs, long now)
    {
        if (reading.Status == Pricing.IndexStatus.Stale && now - activatedAt < staleAfterMs) return null;
        var changed = _sent is null || _sent.Price != reading.Price || _sent.Status != reading.Status;
        if (!changed && now - _sentAt < heartbeatMs) return null;
        (_sent, _sentAt) = (reading, now);
        return reading;
    }

    /// <summary>A follower did not take the reading: send it again at the next tick rather than wait for a heartbeat.</summary>
    public void NotDelivered(IndexUpdate reading)
    {
        if (ReferenceEquals(_sent, reading)) _sent = null;
    }
}
