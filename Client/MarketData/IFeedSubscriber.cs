namespace Exchange.Client.MarketData;

/// <summary>Something a market feed sends messages to (a WebSocket session). Must not block.</summary>
public interface IFeedSubscriber
{
    /// <summary>Queues a message; false if the subscriber cannot keep up (it is then being closed).</summary>
    bool TrySend(byte[] message);
}
