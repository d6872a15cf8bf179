using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Prometheus metrics at /metrics, a request's trace carried into the grains, and the Orleans dashboard.</summary>
[Collection(PostgresCollection.Name)]
public sealed partial class ObservabilityTests(PostgresFixture postgres) : GatewayWithMarketTests(postgres)
{
    [Fact]
    public async Task Metrics_count_accepted_orders_and_rejections_by_code_and_time_the_answers()
    {
        var trader = await Gateway.NewTrader();
        var poor = await Gateway.NewTrader(deposit: "1");
        Assert.Equal(201, (await trader.Limit(Symbol, "buy", "100", "0.01")).Status);
        Api.Problem(await poor.Limit(Symbol, "buy", "100", "10"), 422, "INSUFFICIENT_MARGIN");

        var metrics = await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/metrics");
        Assert.Equal(200, metrics.Status);
        Assert.StartsWith("text/plain", metrics.Message.Content.Headers.ContentType!.ToString());
        Assert.True(Sample(metrics.Body, "exchange_gateway_orders_accepted_total", "") >= 1, metrics.Body);
        Assert.True(Sample(metrics.Body, "exchange_gateway_orders_rejected_total", "code=\"INSUFFICIENT_MARGIN\"") >= 1, metrics.Body);
        Assert.True(Sample(metrics.Body, "exchange_gateway_order_ack_duration_milliseconds_count", "outcome=\"accepted\"") >= 1, metrics.Body);
        Assert.Contains("exchange_gateway_websocket_clients", metrics.Body);
        Assert.Contains("orleans_", metrics.Body); // Orleans' own meter
    }

    [Fact]
    public async Task A_request_trace_goes_on_into_the_account_and_market_grains()
    {
        var trader = await Gateway.NewTrader();
        var traceId = ActivityTraceId.CreateRandom();
        var seen = new ConcurrentQueue<Activity>();
        var reachedMarket = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Microsoft.Orleans", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId != traceId) return;
                seen.Enqueue(activity);
                if (activity.Kind == ActivityKind.Server && activity.DisplayName.Contains("IMarketGrain", StringComparison.Ordinal))
                    reachedMarket.TrySetResult();
            },
        };
        ActivitySource.AddActivityListener(listener);

        var request = trader.Sign(HttpMethod.Post, "/api/v1/orders", Api.Json(new { symbol = Symbol, side = "buy", type = "limit", price = "100", size = "0.01" }));
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(201, (await trader.Send(request)).Status);

        await reachedMarket.Task.WaitAsync(TimeSpan.FromSeconds(20)).ContinueWith(t => Assert.True(t.IsCompletedSuccessfully,
            "no market grain call in the request's trace; seen: " + string.Join(", ", seen.Select(a => $"{a.Kind} {a.DisplayName}"))));
        Assert.Contains(seen, a => a.Kind == ActivityKind.Server && a.DisplayName.Contains("IAccountGrain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_orleans_dashboard_is_served_at_dashboard_to_the_operator()
    {
        Assert.Equal(401, (await Api.Send(Gateway.Anonymous, HttpMethod.Get, "/dashboard/")).Status);
        var page = await Api.Send(Gateway.Admin, HttpMethod.Get, "/dashboard/");
        Assert.Equal(200, page.Status);
        Assert.Equal("text/html", page.ContentType);
        var stats = await Api.Send(Gateway.Admin, HttpMethod.Get, "/dashboard/DashboardCounters");
        // Answered by the dashboard's grain in the silo (without the silo's part there is no such grain and this fails).
        Assert.True(stats.Status == 200, stats.ToString());
        Assert.NotNull(stats.Json!["totalActiveHostCount"]);
    }

    /// <summary>The value of the first sample of a metric whose labels include the given one.</summary>
    private static double Sample(string text, string metric, string label)
    {
        foreach (Match m in SampleLine().Matches(text))
            if (m.Groups["name"].Value == metric && m.Groups["labels"].Value.Contains(label, StringComparison.Ordinal))
                return double.Parse(m.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return -1;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
