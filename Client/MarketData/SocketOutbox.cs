using System.Net.WebSockets;
using System.Threading.Channels;
using Exchange.Client.Telemetry;

namespace Exchange.Client.MarketData;

/// <summary>
/// What one WebSocket has yet to send, bounded in bytes (a message counts until the socket has taken it). Feeds add
/// to it without ever waiting; a client that lets it pass its bound is dropped: nothing more is queued, what is queued
/// and then a close with the reason are sent, and if that has not got through within <see cref="CloseGrace"/> (a
/// client that does not read), the connection is aborted. Its memory is then the bound, and nobody else waited for it.
/// </summary>
public sealed class SocketOutbox(WebSocket socket, int byteLimit, GatewayMetrics metrics)
{
    /// <summary>How long a dropped client's close may take before its connection is cut.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);

    public const string TooSlow = "too slow: reconnect and resubscribe";

    private readonly Channel<byte[]> _queue = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _closing = new();
    private long _bytes;
    private int _dropped;
    private WebSocketCloseStatus _status = WebSocketCloseStatus.NormalClosure;
    private string _reason = "bye";

    /// <summary>Whether the client was dropped (too slow, or it broke a rule); the session stops reading.</summary>
    public bool Dropped => Volatile.Read(ref _dropped) != 0;

    /// <summary>Queues a message; false if the client is dropped (this message may be what dropped it).</summary>
    public bool TrySend(byte[] message)
    {
        if (Dropped) return false;
        if (Interlocked.Add(ref _bytes, message.Length) > byteLimit)
        {
            Interlocked.Add(ref _bytes, -message.Length);
            Drop(WebSocketCloseStatus.PolicyViolation, TooSlow, "slow");
            return false;
        }
        if (_queue.Writer.TryWrite(message)) return true;
        Interlocked.Add(ref _bytes, -message.Length); // completed: the session is ending
        return false;
    }

    /// <summary>Ends the session normally: what is queued is sent, then a close.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    /// <summary>
    /// Ends the session: nothing more is queued, and the close says why; counted by <paramref name="metricReason"/>. Only
    /// the first call counts.
    /// </summary>
    public void Drop(WebSocketCloseStatus status, string reason, string metricReason)
    {
        lock (_closing)
        {
            if (Dropped) return;
            (_status, _reason) = (status, reason);
            Volatile.Write(ref _dropped, 1);
        }
        _queue.Writer.TryComplete();
        _ = AbortAfterGrace();
        metrics.WebSocketDropped(metricReason);
    }

    /// <summary>Cuts a dropped client's connection if its close has not completed by then (it does not read).</summary>
    private async Task AbortAfterGrace()
    {
        await Task.Delay(CloseGrace, TimeProvider.System); // a socket deadline, on the wall clock even when the gateway's is fake
        if (socket.State != WebSocketState.Closed) socket.Abort();
    }

    /// <summary>Sends until the outbox is completed or dropped, then closes the socket's output.</summary>
    public async Task Run(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var message in _queue.Reader.ReadAllAsync(cancellationToken))
            {
                await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
                Interlocked.Add(ref _bytes, -message.Length);
            }
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await socket.CloseOutputAsync(_status, _reason, cancellationToken);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away, or was cut off
        }
    }
}
