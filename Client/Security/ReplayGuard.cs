using Microsoft.Extensions.Options;
using Exchange.Client.Hosting;

namespace Exchange.Client.Security;

/// <summary>
/// Remembers every accepted signature until its timestamp leaves the window; a second request with the same
/// signature inside the window is a replay. After the window the timestamp check refuses it anyway, so memory is
/// bounded by the request rate times twice the window. Per gateway process: gateways behind one load balancer
/// would need a shared store.
/// </summary>
public sealed class ReplayGuard(TimeProvider clock, IOptions<GatewayOptions> options)
{
    private readonly TimeSpan _window = options.Value.SignatureWindow;
    private readonly Lock _lock = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, long> _expiry = new();

    /// <summary>Records the signature; false if it was already recorded (a replay).</summary>
    public bool TryRecord(string signature, long timestampMs)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        lock (_lock)
        {
            while (_expiry.TryPeek(out var old, out var expires) && expires < now)
            {
                _expiry.Dequeue();
                _seen.Remove(old);
            }
            if (!_seen.Add(signature)) return false;
            _expiry.Enqueue(signature, timestampMs + (long)_window.TotalMilliseconds);
            return true;
        }
    }
}
