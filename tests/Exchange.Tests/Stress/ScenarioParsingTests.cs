using System.Text.Json.Nodes;
using Exchange.Stress.Running;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;

namespace Exchange.Tests.Stress;

/// <summary>Scenario files are read strictly: every shipped file reads, and a bad one is refused naming its field.</summary>
public sealed class ScenarioParsingTests
{
    private static JsonObject FlashCrash() => JsonNode.Parse(File.ReadAllText(ScenarioFiles.PathOf("flash-crash")))!.AsObject();

    private static ScenarioException Refused(JsonObject json) =>
        Assert.Throws<ScenarioException>(() => ScenarioReader.Read(json.ToJsonString()));

    [Fact]
    public void Every_shipped_scenario_reads_and_validates()
    {
        var files = System.IO.Directory.GetFiles(ScenarioFiles.Directory, "*.json");
        Assert.True(files.Length >= 9, $"expected the shipped scenarios in {ScenarioFiles.Directory}");
        foreach (var file in files)
        {
            var scenario = ScenarioReader.ReadFile(file);
            Assert.Equal(Path.GetFileNameWithoutExtension(file), scenario.Name);
        }
    }

    [Fact]
    public void The_flash_crash_file_reads_into_its_records()
    {
        var s = ScenarioReader.ReadFile(ScenarioFiles.PathOf("flash-crash"));
        var market = Assert.Single(s.Markets);
        Assert.Equal(("BTC-PERP", "BTC-USD", 0.5m, 0.001m), (market.Symbol, market.Index, market.TickSize, market.LotSize));
        Assert.Equal(new MarginTierScenario(0, 1000, 500), Assert.Single(market.MarginTiers));
        Assert.Equal(new LiquidationScenario(50, 0.5m, 200, 2000), market.Liquidation);
        Assert.Equal(500, market.Breaker!.BandBps);
        Assert.Equal(40, Assert.Single(s.Population.Positions).Accounts);
        Assert.Equal(3, s.Paths[0].Segments!.Count);
        Assert.Contains(s.Expect, e => e.Name == "accounts-liquidated" && e.Min == 40);
    }

    [Fact]
    public void An_unknown_field_is_refused_with_its_path()
    {
        var json = FlashCrash();
        json["markets"]![0]!["tickSise"] = "0.5";
        var e = Refused(json);
        Assert.Contains("tickSise", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("markets[0]", e.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_required_field_is_refused()
    {
        var json = FlashCrash();
        json["markets"]![0]!.AsObject().Remove("lotSize");
        Assert.Contains("lotSize", Refused(json).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_wrong_type_is_refused_with_its_path()
    {
        var json = FlashCrash();
        json["durationSeconds"] = "soon";
        Assert.Equal("durationSeconds", Refused(json).Field);
    }

    [Theory]
    [InlineData("markets[0].maxPrice", "maxPrice", "1000000.25")]
    [InlineData("markets[0].liquidation.sliceSize", "liquidation.sliceSize", "0.0005")]
    [InlineData("markets[0].marginTiers[0].maintenanceBps", "marginTiers.0.maintenanceBps", "1000")]
    [InlineData("markets[0].oracle.minFeeds", "oracle.minFeeds", "4")]
    [InlineData("markets[0].breaker.pauseMs", "breaker.pauseMs", "0")]
    [InlineData("markets[0].breaker.escalatedPauseMs", "breaker.escalatedPauseMs", "4999")]
    public void A_market_value_that_the_exchange_would_refuse_is_refused_first(string field, string path, string value)
    {
        var json = FlashCrash();
        JsonNode node = json["markets"]![0]!;
        var parts = path.Split('.');
        foreach (var part in parts[..^1]) node = int.TryParse(part, out var i) ? node[i]! : node[part]!;
        node[parts[^1]] = JsonValue.Create(decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(field, Refused(json).Field);
    }

    [Fact]
    public void Leverage_beyond_what_the_initial_margin_allows_is_refused()
    {
        var json = FlashCrash();
        json["population"]!["positions"]![0]!["leverageMax"] = 10;
        var e = Refused(json);
        Assert.Equal("population.positions[0].leverageMax", e.Field);
        Assert.Contains("1000 bps", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_position_group_in_an_unknown_market_is_refused()
    {
        var json = FlashCrash();
        json["population"]!["positions"]![0]!["market"] = "ETH-PERP";
        Assert.Equal("population.positions[0].market", Refused(json).Field);
    }

    [Fact]
    public void Faults_must_name_a_known_kind_inside_the_run_and_an_index_of_the_scenario()
    {
        var json = FlashCrash();
        json["faults"] = new JsonArray(new JsonObject { ["kind"] = "meteor", ["at"] = 1 });
        Assert.Equal("faults[0].kind", Refused(json).Field);
        json["faults"] = new JsonArray(new JsonObject { ["kind"] = "feeds-freeze", ["at"] = 100, ["seconds"] = 2, ["index"] = "BTC-USD" });
        Assert.Equal("faults[0].at", Refused(json).Field);
        json["faults"] = new JsonArray(new JsonObject { ["kind"] = "feed-lies", ["at"] = 1, ["seconds"] = 2, ["index"] = "ETH-USD", ["feeds"] = 1, ["percent"] = 30 });
        Assert.Equal("faults[0].index", Refused(json).Field);
        json["faults"] = new JsonArray(new JsonObject { ["kind"] = "feed-lies", ["at"] = 1, ["seconds"] = 2, ["index"] = "BTC-USD", ["feeds"] = 4, ["percent"] = 30 });
        Assert.Equal("faults[0].feeds", Refused(json).Field);
    }

    [Fact]
    public void Expected_verdicts_must_be_known_and_have_what_they_need()
    {
        var json = FlashCrash();
        json["expect"] = new JsonArray(new JsonObject { ["name"] = "everything-fine" });
        Assert.Equal("expect[0].name", Refused(json).Field);
        json["expect"] = new JsonArray(new JsonObject { ["name"] = "breaker-tripped" });
        Assert.Equal("expect[0].market", Refused(json).Field);
    }

    [Fact]
    public void A_path_is_generated_or_read_from_a_csv_not_both()
    {
        var json = FlashCrash();
        json["paths"]![0]!["csv"] = "prices.csv";
        Assert.Equal("paths[0]", Refused(json).Field);
    }

    [Fact]
    public void A_market_whose_index_has_no_path_is_refused()
    {
        var json = FlashCrash();
        json["paths"]![0]!["index"] = "ETH-USD";
        Assert.Equal("markets[0].index", Refused(json).Field);
    }

    [Fact]
    public void Scenarios_needing_infrastructure_faults_are_refused_by_a_target_that_cannot_inject_them()
    {
        foreach (var (name, needs) in new[] { ("silo-kill-crash", "kill a silo"), ("database-stop-crash", "stop PostgreSQL") })
        {
            var scenario = ScenarioReader.ReadFile(ScenarioFiles.PathOf(name));
            // An address nothing listens on: the refusal must come before any request.
            var target = new UrlTarget(new Uri("http://127.0.0.1:9"), "unused-admin-token");
            var e = Assert.Throws<ScenarioRefusedException>(() =>
                new ScenarioRunner(scenario, ScenarioFiles.PathOf(name), target, TextWriter.Null).RunAsync(CancellationToken.None).GetAwaiter().GetResult());
            Assert.Contains(needs, e.Message, StringComparison.Ordinal);
            Assert.Contains("--target cluster", e.Message, StringComparison.Ordinal);
        }
    }
}
