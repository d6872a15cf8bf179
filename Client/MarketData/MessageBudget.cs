using Exchange.Client.Hosting;

namespace Exchange.Client.MarketData;

/// <summary>
/// A token bucket for the messages of one WebSocket connection, on the gateway's clock. Used by one reader at a time,
/// so it takes no lock.
/// </summary>
public sealed class MessageBudget(BucketOptions bucket, TimeProvider clock)
{
    private double _tokens = bucket.Burst;
    private long _refilledAt = clock.GetTimestamp();

    /// <summary>Takes one message's token; false when the connection has none left.</summary>
    public bool TryTake()
    {
        var now = clock.GetTimestamp();
        var periods = clock.GetElapsedTime(_refilledAt, now) / bucket.Period;
        if (periods > 0)
        {
            _tokens = Math.Min(bucket.Burst, _tokens + periods * bucket.PerSecond);
            _refilledAt = now;
        }
        if (_tokens < 1) return false;
        _tokens--;
        return true;
    }
}
