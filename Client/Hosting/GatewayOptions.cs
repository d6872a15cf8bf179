namespace Exchange.Client.Hosting;

/// <summary>The gateway's settings, bound from the "Gateway" section.</summary>
public sealed class GatewayOptions
{
    public const string Section = "Gateway";

    /// <summary>The admin API's bearer token; when empty one is generated at start-up and printed.</summary>
    public string? AdminToken { get; set; }

    /// <summary>
    /// Base64 of the 32-byte key that encrypts API secrets at rest. When empty one is generated, and keys issued
    /// by this process stop verifying after a restart (a warning says so).
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>How far a request's X-TIMESTAMP may be from the gateway's clock, either way.</summary>
    public TimeSpan SignatureWindow { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The largest request body accepted.</summary>
    public int MaxBodyBytes { get; set; } = 16 * 1024;

    /// <summary>
    /// How long a resolved API key is trusted without asking the database again: a key revoked on another gateway
    /// stops working here within this time.
    /// </summary>
    public TimeSpan KeyCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an unknown API key is remembered as unknown (a key issued since is never one of them: keys are random).</summary>
    public TimeSpan UnknownKeyCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long <c>/health/ready</c> answers from its last check instead of asking the cluster and database again.</summary>
    public TimeSpan ReadinessCacheTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often an unknown symbol may make the gateway re-read the market list.</summary>
    public TimeSpan MarketRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the gateway renews its market-data subscriptions (they lapse after a few minutes).</summary>
    public TimeSpan MarketDataRenewal { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the gateway reads each index it watches (WebSocket <c>index</c> channel, metrics) from its oracle.</summary>
    public TimeSpan IndexPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A directory holding a stress report as the stress lab writes it (<c>index.html</c>, <c>plots/</c>,
    /// <c>result.json</c>), served read-only under <c>/stress/</c> and linked from the status page once its
    /// <c>index.html</c> exists. Relative to the gateway's working directory. Empty: no <c>/stress/</c>.
    /// </summary>
    public string? StressReportDirectory { get; set; }

    /// <summary>
    /// Bytes queued for one WebSocket (<c>/ws</c>, <c>/fapi/ws</c>) before it counts as too slow and is dropped. It must hold
    /// a full book snapshot of the deepest market (about 50 bytes a level).
    /// </summary>
    public int WebSocketOutboxBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>Open WebSockets (<c>/ws</c> and <c>/fapi/ws</c> together) per client address; one more is refused (429).</summary>
    public int WebSocketConnectionsPerAddress { get; set; } = 50;

    /// <summary>
    /// The most orders (or cancels) one batch request may carry (<c>POST /api/v1/orders/batch</c> and <c>/batch/cancel</c>);
    /// a request counts once against the rate limit whatever its size. At most <see cref="MaxBatchOrdersLimit"/>.
    /// </summary>
    public int MaxBatchOrders { get; set; } = 20;

    public const int MaxBatchOrdersLimit = 100;

    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>How many order requests are worked on at once, and how long the others wait (<see cref="OrderAdmission"/>).</summary>
    public OrderAdmissionOptions OrderAdmission { get; set; } = new();
}

/// <summary>Token buckets per API key (per client address for public endpoints).</summary>
public sealed class RateLimitOptions
{
    public BucketOptions Orders { get; set; } = new() { Burst = 200, PerSecond = 100 };

    /// <summary>Cancels have their own budget, so a trader at the order limit can always pull quotes.</summary>
    public BucketOptions Cancels { get; set; } = new() { Burst = 400, PerSecond = 200 };

    public BucketOptions Queries { get; set; } = new() { Burst = 100, PerSecond = 50 };

    public BucketOptions Public { get; set; } = new() { Burst = 200, PerSecond = 100 };

    /// <summary>Price publications per feed key (a request of up to 100 prices counts once): a feed cannot flood its oracle.</summary>
    public BucketOptions Feeds { get; set; } = new() { Burst = 50, PerSecond = 20 };

    /// <summary>
    /// Failed authentications (unknown key, bad signature, stale timestamp, wrong admin token) per client address. Checked
    /// before a request is verified: an address that used it up is refused before any key is looked up.
    /// </summary>
    public BucketOptions Authentication { get; set; } = new() { Burst = 50, PerSecond = 10 };

    /// <summary>Messages a WebSocket connection may send (auth, subscribe, ping...); one more closes it (1008).</summary>
    public BucketOptions WebSocketMessages { get; set; } = new() { Burst = 100, PerSecond = 20 };
}

public sealed class BucketOptions
{
    public int Burst { get; set; }

    /// <summary>Tokens added per <see cref="Period"/>.</summary>
    public int PerSecond { get; set; }

    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);
}
