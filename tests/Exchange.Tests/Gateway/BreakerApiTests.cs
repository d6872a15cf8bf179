using System.Net.Http.Headers;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The circuit breaker through the API: the operator sets a market's rules, a fat-finger taker trips the band, anyone
/// reads the pause and the auction's indicative uncross, and the operator releases it; a trip and release by hand;
/// and every mistake answered with a code that changes nothing. (Market: tick 0.5, lot 0.001.)
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BreakerApiTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    private Task<Api.Response> Admin(string path, string? body = null) =>
        Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/{Symbol}{path}", body);

    private Task<Api.Response> SetRules(string body) => Admin("/breaker", body);

    private Task<Api.Response> View(string? symbol = null) =>
        Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{symbol ?? Symbol}/breaker");

    private Task<Api.Response> WhenState(string state) => Polling.Eventually(async () =>
    {
        var view = await View();
        Assert.True(view.Status == 200, view.ToString());
        Assert.Equal(state, view.String("state"));
        return view;
    });

    private static (int Band, int Velocity, long Window) Rules(Api.Response view)
    {
        var rules = view.Node("rules");
        return (rules["bandBps"]!.GetValue<int>(), rules["velocityBps"]!.GetValue<int>(), rules["velocityWindowMs"]!.GetValue<long>());
    }

    /// <summary>A maker sells and a taker buys the same size at one price: the market's last trade.</summary>
    private async Task Trade(Trader maker, Trader taker, string price)
    {
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", price, "1")).Status);
        var taken = await taker.Limit(Symbol, "buy", price, "1", timeInForce: "ioc");
        Assert.True(taken.Status == 201, taken.ToString());
    }

    [Fact]
    public async Task A_fat_finger_trips_the_band_the_view_shows_the_pause_and_its_indicative_uncross_and_release_reopens()
    {
        var (maker, taker, late) = (await Gateway.NewTrader(), await Gateway.NewTrader(), await Gateway.NewTrader());
        var normal = await View();
        Assert.Equal(("normal", "open"), (normal.String("state"), normal.String("mode")));
        Assert.Equal((0, 0, 0L), Rules(normal));
        Assert.Null(normal.Json!["reference"]);
        Assert.Null(normal.Json!["band"]);

        await Trade(maker, taker, "100");
        var set = await SetRules("""{"bandBps":500}""");
        Assert.True(set.Status == 200, set.ToString());
        Assert.Equal((500, 0, 0L), Rules(set));
        // Reference 100 (200 ticks); 5% of it is 10 ticks: 95 to 105.
        Assert.Equal("100", set.String("reference"));
        Assert.Equal(("95", "105"), (set.Node("band")["low"]!.GetValue<string>(), set.Node("band")["high"]!.GetValue<string>()));
        Assert.Equal(("normal", true, true), (set.String("state"), set.Json!["trippedBy"] is null, set.Json!["indicative"] is null));

        // A limit buy beyond the band is refused outright; a market buy trades up to the band and trips at the maker beyond it.
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "104", "0.5")).Status);
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "110", "0.5")).Status);
        Api.Problem(await taker.Limit(Symbol, "buy", "110", "1"), 422, "PRICE_OUTSIDE_BAND");
        var fat = await taker.Market(Symbol, "buy", "1");
        Assert.True(fat.Status == 201, fat.ToString());

        var paused = await WhenState("paused");
        Assert.Equal(("auction", "breaker"), (paused.String("mode"), paused.String("trippedBy")));
        Assert.Equal("band: 220 outside 190 to 210 around 200", paused.String("reason")); // the engine's words, in ticks
        var trip = await Polling.Eventually(async () => Assert.Single((await View()).Node("trips").AsArray())!); // the breaker hears of it
        Assert.Equal(("band: 220 outside 190 to 210 around 200", 120_000L), (trip["reason"]!.GetValue<string>(), trip["pauseMs"]!.GetValue<long>()));
        Assert.Null(trip["reopenedAt"]);
        Assert.Equal("104", paused.String("reference")); // the last trade, 0.5 at 104, before the trip
        Assert.Null(paused.Json!["indicative"]); // nothing crosses: the taker's rest was cancelled, the ask at 110 rests alone

        // The auction collects crossing orders. Bids 0.3 at 107 and 0.2 at 105, asks 0.4 at 102 (and 0.5 at 110):
        // from 102 to 105 buyers have 0.5, sellers 0.4, so 0.4 would trade with 0.1 of buying left; above 105 only
        // 0.3 would. Of the equally good prices 102 to 105 the one closest to the reference, 104, is chosen.
        Assert.Equal(201, (await late.Limit(Symbol, "buy", "107", "0.3")).Status);
        Assert.Equal(201, (await late.Limit(Symbol, "buy", "105", "0.2")).Status);
        Assert.Equal(201, (await maker.Limit(Symbol, "sell", "102", "0.4")).Status);
        var crossed = await Polling.Eventually(async () =>
        {
            var view = await View();
            Assert.NotNull(view.Json!["indicative"]);
            return view;
        });
        var indicative = crossed.Node("indicative");
        Assert.Equal(("104", "0.4", "0.1", "buy"), (indicative["price"]!.GetValue<string>(), indicative["volume"]!.GetValue<string>(),
            indicative["imbalance"]!.GetValue<string>(), indicative["side"]!.GetValue<string>()));
        var market = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}");
        Assert.Equal(("paused", "104", "breaker"), (market.String("breakerState"), market.String("indicativePrice"), market.String("modeSetBy")));

        // Release: the uncross at the reference trades exactly what was indicated, and the market reopens.
        var released = await Admin("/breaker/release");
        Assert.True(released.Status == 200, released.ToString());
        Assert.Equal(("104", "0.4", "open"), (released.String("price"), released.String("volume"), released.String("mode")));
        var reopened = await WhenState("normal");
        Assert.Equal(("open", "104"), (reopened.String("mode"), reopened.String("reference")));
        Assert.Single(reopened.Node("trips").AsArray()); // released by the operator: the breaker's own record of the trip stays
        Assert.True(reopened.Json!["trippedBy"] is null && reopened.Json!["reason"] is null && reopened.Json!["indicative"] is null);
        var after = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}");
        Assert.Equal("normal", after.String("breakerState"));
        Assert.Null(after.Json!["indicativePrice"]);
        var book = await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/book");
        Assert.Equal("[[\"105\",\"0.1\"]]", book.Node("bids").ToJsonString());
        Assert.Equal("[[\"110\",\"0.5\"]]", book.Node("asks").ToJsonString());
        Assert.True((await Gateway.Audit()).Node("balanced").GetValue<bool>());
    }

    [Fact]
    public async Task Fields_left_out_keep_their_value_and_bad_rules_change_nothing()
    {
        Api.Problem(await SetRules("{}"), 409, "NO_CHANGE"); // off already
        var velocity = await SetRules("""{"velocityBps":300,"velocityWindowMs":60000}""");
        Assert.True(velocity.Status == 200, velocity.ToString());
        Assert.Equal((0, 300, 60_000L), Rules(velocity));
        Assert.Equal((500, 300, 60_000L), Rules(await SetRules("""{"bandBps":500}""")));
        Api.Problem(await SetRules("""{"bandBps":500}"""), 409, "NO_CHANGE");

        (string Body, int Status, string Code)[] refused =
        [
            ("""{"bandBps":10001}""", 400, "INVALID_BREAKER_RULES"),
            ("""{"bandBps":-1}""", 400, "INVALID_BREAKER_RULES"),
            ("""{"velocityBps":0}""", 400, "INVALID_BREAKER_RULES"), // a window without a velocity
            ("""{"velocityWindowMs":3600001}""", 400, "INVALID_BREAKER_RULES"),
            ("""{"velocityWindowMs":-5}""", 400, "INVALID_BREAKER_RULES"),
            ("""{"bandBps":"500"}""", 400, "INVALID_FIELD"),
            ("""{"bandBps":1.5}""", 400, "INVALID_FIELD"),
            ("""{"bandBps":99999999999}""", 400, "INVALID_FIELD"),
            ("""{"velocityWindowMs":true}""", 400, "INVALID_FIELD"),
            ("""{"band":500}""", 400, "UNKNOWN_FIELD"),
            ("not json", 400, "INVALID_JSON"),
            ("[]", 400, "INVALID_JSON"),
        ];
        foreach (var (body, status, code) in refused)
        {
            var answer = await SetRules(body);
            Assert.True(answer.Status == status && answer.Code == code, $"{body} -> expected {status} {code}, got {answer}");
        }
        var view = await View();
        Assert.Equal((500, 300, 60_000L), Rules(view));

        // 0 switches a rule off; both velocity fields go off together.
        Assert.Equal((0, 0, 0L), Rules(await SetRules("""{"bandBps":0,"velocityBps":0,"velocityWindowMs":0}""")));
    }

    [Fact]
    public async Task The_pause_policy_is_changed_field_by_field_and_a_bad_one_changes_nothing()
    {
        Assert.Equal(120_000L, (await View()).Node("policy")["pauseMs"]!.GetValue<long>());
        var shorter = await Admin("/breaker/policy", """{"pauseMs":15000,"extensionMs":5000}""");
        Assert.True(shorter.Status == 200, shorter.ToString());
        var policy = shorter.Node("policy");
        Assert.Equal((15_000L, 300_000L, 5_000L, 2_000), (policy["pauseMs"]!.GetValue<long>(), policy["escalatedPauseMs"]!.GetValue<long>(),
            policy["extensionMs"]!.GetValue<long>(), policy["maxCollarBps"]!.GetValue<int>()));

        (string Body, int Status, string Code)[] refused =
        [
            ("""{"pauseMs":0}""", 400, "INVALID_BREAKER_POLICY"),
            ("""{"escalatedPauseMs":1000}""", 400, "INVALID_BREAKER_POLICY"), // shorter than the pause
            ("""{"maxCollarBps":10001}""", 400, "INVALID_BREAKER_POLICY"),
            ("""{"pauseMs":"15000"}""", 400, "INVALID_FIELD"),
            ("""{"pause":15000}""", 400, "UNKNOWN_FIELD"),
        ];
        foreach (var (body, status, code) in refused)
        {
            var answer = await Admin("/breaker/policy", body);
            Assert.True(answer.Status == status && answer.Code == code, $"{body} -> expected {status} {code}, got {answer}");
        }
        Assert.Equal(15_000L, (await View()).Node("policy")["pauseMs"]!.GetValue<long>());
    }

    [Fact]
    public async Task An_operator_trips_and_releases_by_hand()
    {
        // No trade yet: the market can be paused, but a release has no reference to uncross at.
        Api.Problem(await Admin("/breaker/trip", "{}"), 400, "MISSING_FIELD");
        Api.Problem(await Admin("/breaker/trip", """{"reason":""}"""), 400, "INVALID_REASON");
        Api.Problem(await Admin("/breaker/trip", """{"reason":"ünïcode"}"""), 400, "INVALID_REASON");
        Api.Problem(await Admin("/breaker/trip", """{"reason":7}"""), 400, "INVALID_REASON");
        Assert.Equal("normal", (await View()).String("state"));
        Api.Problem(await Admin("/breaker/release"), 422, "NOT_IN_AUCTION");

        var tripped = await Admin("/breaker/trip", """{"reason":"news pending"}""");
        Assert.True(tripped.Status == 200, tripped.ToString());
        Assert.Equal(("paused", "auction", "operator", "news pending"),
            (tripped.String("state"), tripped.String("mode"), tripped.String("trippedBy"), tripped.String("reason")));
        Api.Problem(await Admin("/breaker/trip", """{"reason":"again"}"""), 409, "MARKET_NOT_OPEN");
        Api.Problem(await Admin("/breaker/release"), 400, "NO_REFERENCE_PRICE");
        Assert.Equal("paused", (await View()).String("state"));

        // The operator uncrosses at a price of their choosing (nothing crosses) and trades once: now there is a reference.
        Assert.Equal(200, (await Admin("/uncross", """{"referencePrice":"100"}""")).Status);
        var (maker, taker) = (await Gateway.NewTrader(), await Gateway.NewTrader());
        await Trade(maker, taker, "100");
        Assert.Equal(200, (await Admin("/breaker/trip", """{"reason":"maintenance"}""")).Status);
        Api.Problem(await Admin("/breaker/release", """{"price":"1"}"""), 400, "UNKNOWN_FIELD");
        var released = await Admin("/breaker/release", "{}");
        Assert.True(released.Status == 200, released.ToString());
        Assert.Equal(("open", "0"), (released.String("mode"), released.String("volume")));
        Assert.Null(released.Json!["price"]);
        var view = await WhenState("normal");
        Assert.Equal("100", view.String("reference"));

        // A halted market is not paused by the breaker: the operator's halt stays what it is.
        Assert.Equal(200, (await Admin("/mode", """{"mode":"halted"}""")).Status);
        Api.Problem(await Admin("/breaker/trip", """{"reason":"x"}"""), 409, "MARKET_NOT_OPEN");
        Assert.Equal("halted", (await View()).String("mode"));
    }

    [Fact]
    public async Task Unknown_markets_and_requests_without_the_admin_token_are_refused()
    {
        Api.Problem(await View("NO-SUCH"), 404, "UNKNOWN_MARKET");
        Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Get, $"/api/v1/markets/{Symbol}/breaker?x=1"), 400, "UNKNOWN_PARAMETER");
        foreach (var (path, body) in new[] { ("/breaker", """{"bandBps":500}"""), ("/breaker/trip", """{"reason":"x"}"""), ("/breaker/release", "{}") })
        {
            Api.Problem(await Api.Send(Gateway.Admin, HttpMethod.Post, $"/admin/v1/markets/NO-SUCH{path}", body), 404, "UNKNOWN_MARKET");
            Api.Problem(await Api.Send(Gateway.Anonymous, HttpMethod.Post, $"/admin/v1/markets/{Symbol}{path}", body), 401, "UNAUTHORIZED");
            using var wrong = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/markets/{Symbol}{path}")
            {
                Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
            };
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
            Api.Problem(await Api.Read(Gateway.Anonymous.SendAsync(wrong)), 401, "UNAUTHORIZED");
        }
        var view = await View();
        Assert.Equal(("normal", (0, 0, 0L)), (view.String("state"), Rules(view)));
    }
}
