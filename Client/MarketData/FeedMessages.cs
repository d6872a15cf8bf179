using System.Buffers;
using System.Text.Json;
using Exchange.Client.Input;
using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.MarketData;

/// <summary>
/// The WebSocket messages, written once as UTF-8 and shared by every socket that receives them. Book levels are
/// [price, size] pairs; in a delta a size is the level's new total and "0" removes the level.
/// </summary>
public static class FeedMessages
{
    public static byte[] Snapshot(MarketSpec spec, long sequence, MarketMode mode,
        IEnumerable<KeyValuePair<long, long>> bids, IEnumerable<KeyValuePair<long, long>> asks) => Write(w =>
    {
        Header(w, "snapshot", "book", spec.Symbol);
        w.WriteNumber("sequence", sequence);
        w.WriteString("mode", Vocabulary.Of(mode));
        Levels(w, "bids", spec, bids);
        Levels(w, "asks", spec, asks);
    });

    public static byte[] Delta(MarketSpec spec, long previous, MarketDataUpdate update) => Write(w =>
    {
        Header(w, "delta", "book", spec.Symbol);
        w.WriteNumber("prevSequence", previous);
        w.WriteNumber("sequence", update.ToSequence);
        w.WriteString("mode", Vocabulary.Of(update.Mode));
        Levels(w, "bids", spec, update.Levels.Where(l => l.Side == Side.Buy).Select(l => KeyValuePair.Create(l.Price, l.Size)));
        Levels(w, "asks", spec, update.Levels.Where(l => l.Side == Side.Sell).Select(l => KeyValuePair.Create(l.Price, l.Size)));
    });

    public static byte[] Trade(MarketSpec spec, PublicTrade trade) => Write(w =>
    {
        Header(w, "trade", "trades", spec.Symbol);
        w.WriteNumber("tradeId", trade.Sequence);
        w.WriteString("price", Units.Price(spec, trade.Price));
        w.WriteString("size", Units.Size(spec, trade.Size));
        w.WriteString("side", Vocabulary.Of(trade.TakerSide));
        w.WriteNumber("time", trade.Timestamp / 1000);
    });

    /// <summary>An acknowledgement; private channels have no symbol.</summary>
    public static byte[] Ack(string type, string channel, string? symbol) => Write(w =>
    {
        w.WriteString("type", type);
        w.WriteString("channel", channel);
        if (symbol is not null) w.WriteString("symbol", symbol);
    });

    public static byte[] Pong() => Write(w => w.WriteString("type", "pong"));

    public static byte[] Error(string code, string message) => Write(w =>
    {
        w.WriteString("type", "error");
        w.WriteString("code", code);
        w.WriteString("message", message);
    });

    private static void Header(Utf8JsonWriter w, string type, string channel, string symbol)
    {
        w.WriteString("type", type);
        w.WriteString("channel", channel);
        w.WriteString("symbol", symbol);
    }

    private static void Levels(Utf8JsonWriter w, string name, MarketSpec spec, IEnumerable<KeyValuePair<long, long>> levels)
    {
        w.WriteStartArray(name);
        foreach (var (price, size) in levels)
        {
            w.WriteStartArray();
            w.WriteStringValue(Units.Price(spec, price));
            w.WriteStringValue(Units.Size(spec, size));
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
