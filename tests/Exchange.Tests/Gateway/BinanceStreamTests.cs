using System.Text.Json.Nodes;
using Exchange.Client.Binance;
using Exchange.Client.MarketData;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Time.Testing;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The Binance depth stream from the gateway's own book messages: each delta becomes one depthUpdate whose U/u/pu chain
/// on, and a resynchronising snapshot becomes one more update with exactly the difference, so the chain never breaks.
/// </summary>
public sealed class BinanceStreamTests
{
    private static readonly MarketSpec Spec = new("BTC-PERP", 0.5m, 0.001m, 1, 2_000_000, 1, 1_000_000, 100);

    private static KeyValuePair<long, long> Level(long ticks, long lots) => KeyValuePair.Create(ticks, lots);

    [Fact]
    public void Deltas_chain_by_sequence_and_a_resync_snapshot_is_sent_as_its_difference()
    {
        var sent = new List<JsonNode>();
        var translator = new DepthTranslator(m => { sent.Add(JsonNode.Parse(m)!); return true; }, "BTCUSDT", new FakeTimeProvider());

        translator.TrySend(FeedMessages.Snapshot(Spec, 10, MarketMode.Open, [Level(58_000, 5), Level(57_998, 2)], [Level(60_001, 7)]));
        Assert.Empty(sent); // clients take the first book from GET /fapi/v1/depth

        translator.TrySend(FeedMessages.Delta(Spec, 10, new MarketDataUpdate("BTC-PERP", 11, 12,
            [new LevelChange(Side.Buy, 58_000, 0), new LevelChange(Side.Sell, 60_002, 3)], [], MarketMode.Open)));
        var delta = Assert.Single(sent);
        Assert.Equal("depthUpdate", (string?)delta["e"]);
        Assert.Equal("BTCUSDT", (string?)delta["s"]);
        Assert.Equal((11L, 12L, 10L), ((long)delta["U"]!, (long)delta["u"]!, (long)delta["pu"]!));
        Assert.Equal("[[\"29000\",\"0\"]]", delta["b"]!.ToJsonString());
        Assert.Equal("[[\"30001\",\"0.003\"]]", delta["a"]!.ToJsonString());

        // Updates 13 to 19 were lost: the feed resynchronised; the book is now this.
        translator.TrySend(FeedMessages.Snapshot(Spec, 20, MarketMode.Open, [Level(57_998, 4)], [Level(60_001, 7), Level(60_010, 1)]));
        Assert.Equal(2, sent.Count);
        var resync = sent[1];
        Assert.Equal((13L, 20L, 12L), ((long)resync["U"]!, (long)resync["u"]!, (long)resync["pu"]!));
        Assert.Equal("[[\"28999\",\"0.004\"]]", resync["b"]!.ToJsonString());
        Assert.Equal("[[\"30001\",\"0\"],[\"30005\",\"0.001\"]]", resync["a"]!.ToJsonString());
    }
}
