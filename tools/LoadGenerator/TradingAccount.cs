using System.Net.WebSockets;

namespace Exchange.LoadGenerator;

/// <summary>
/// One funded account: its signer, the ids of its orders still resting per market, and in ws mode its authenticated
/// WebSocket. Used by one caller only.
/// </summary>
internal sealed class TradingAccount(long id, RequestSigner signer, int markets)
{
    private long _nextClientOrderId;

    public long Id { get; } = id;

    public RequestSigner Signer { get; } = signer;

    public List<long>[] Resting { get; } = Enumerable.Range(0, markets).Select(_ => new List<long>()).ToArray();

    public ClientWebSocket? Socket { get; set; }

    public byte[] ReceiveBuffer { get; } = new byte[64 * 1024];

    public long RequestId { get; set; }

    /// <summary>Unique per account, so that no two orders (and no two signatures) repeat.</summary>
    public string NextClientOrderId() => $"lg{Id}-{++_nextClientOrderId}";
}
