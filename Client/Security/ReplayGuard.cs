using Microsoft.Extensions.Options;
using Exchange.Client.Hosting;

namespace Exchange.Client.Security;

/// <summary>
/// Remembers every accepted signature in this process until its timestamp leaves the window; a second request with the
/// same signature inside the window is a replay. After the window the timestamp check refuses it anyway, so memory is
/// bounded by the request rate times twice the window. On its own it guards one gateway (the gateway without a
/// database); <see cref="SharedReplayGuard"/> puts it in front of the table all gateways share.
/// </summary>
public sealed class ReplayGuard(IOptions<GatewayOptions> options) : IReplayGuard
{
    private readonly long _windowMs = (long)options.Value.SignatureWindow.TotalMilliseconds;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _expiry = new();

    public ValueTask<bool> TryRecord(string signature, long timestampMs, long nowMs, CancellationToken cancellationToken) =>
        ValueTask.FromResult(TryRecord(signature, timestampMs, nowMs));

    /// <summary>
    /// An entry is kept while <paramref name="nowMs"/> is at most its timestamp plus the window: that last millisecond
    /// still passes the window check, so the entry must still refuse it.
    /// </summary>
    public bool TryRecord(string signature, long timestampMs, long nowMs)
    {
        lock (_lock)
        {
            while (_expiry.TryPeek(out var old, out var expires) && expires < nowMs)
            {
                _expiry.Dequeue();
                _seen.Remove(old);
            }
            if (!_seen.Add(signature)) return false;
            _expiry.Enqueue(signature, timestampMs + _windowMs);
            return true;
        }
    }
}
