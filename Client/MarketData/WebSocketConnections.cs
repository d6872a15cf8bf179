using System.Collections.Concurrent;
using Exchange.Client.Hosting;
using Microsoft.Extensions.Options;

namespace Exchange.Client.MarketData;

/// <summary>
/// The open WebSockets of each client address (<c>/ws</c> and <c>/fapi/ws</c> together), so that one address cannot
/// hold more than <see cref="GatewayOptions.WebSocketConnectionsPerAddress"/> sessions' memory.
/// </summary>
public sealed class WebSocketConnections(IOptions<GatewayOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>A place for one more connection from the request's address, released on dispose; null if it has none left.</summary>
    public IDisposable? TryOpen(HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "";
        var limit = options.Value.WebSocketConnectionsPerAddress;
        while (true)
        {
            var open = _open.GetOrAdd(address, 0);
            if (open >= limit) return null;
            if (_open.TryUpdate(address, open + 1, open)) return new Place(this, address);
        }
    }

    private void Close(string address)
    {
        while (true)
        {
            var open = _open[address];
            if (open == 1 ? _open.TryRemove(KeyValuePair.Create(address, 1)) : _open.TryUpdate(address, open - 1, open)) return;
        }
    }

    private sealed class Place(WebSocketConnections owner, string address) : IDisposable
    {
        private int _closed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _closed, 1) == 0) owner.Close(address);
        }
    }
}
