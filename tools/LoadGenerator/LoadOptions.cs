using System.Globalization;

namespace Exchange.LoadGenerator;

/// <summary>The command line: <c>--name value</c> pairs, every one optional except the admin token.</summary>
internal sealed record LoadOptions(
    Uri Url, string AdminToken, int Accounts, int Concurrency, int Rate, TimeSpan Duration, TimeSpan Warmup,
    string[] Symbols, int MaxOpenPerAccount, int CrossPercent, int CancelPercent, int Seed, string Deposit, string[] Modes, int BatchSize,
    int BurstMultiplier, TimeSpan BurstAt, TimeSpan BurstFor, int CancelProbe)
{
    public const string Usage = """
        usage: dotnet run -c Release --project tools/LoadGenerator -- --token ADMIN_TOKEN [options]
          --url URL             gateway (http://localhost:5000)
          --token TOKEN         admin bearer token (or EXCHANGE_ADMIN_TOKEN)
          --accounts N          accounts created and funded through the admin API (200)
          --concurrency C       concurrent callers, each with its own accounts and a keep-alive connection (64)
          --rate R              requests/s offered in total (open loop, latency from the intended send time);
                                0 = closed loop, each caller sends as soon as its last answer came (0)
          --duration S          measured seconds (30), after --warmup S unmeasured seconds (5)
          --symbols A,B         markets to trade (BTC-PERP)
          --max-open N          resting orders per account before it only cancels (8)
          --cross P             percent of orders that cross the spread as IOC (8)
          --cancel P            percent chance to cancel when an account has resting orders (45)
          --seed N              random seed (1)
          --mode M              how orders are sent: rest (one signed request per order or cancel), batch (signed
                                POST /api/v1/orders/batch of --batch orders, and batch cancels), ws (order entry over
                                one authenticated WebSocket per account), or all: the three, one after another on the
                                same accounts, each with its own warm-up and measured phase, then a comparison (rest)
          --batch N             orders per batch request in batch mode (20)
          --burst M             an overload burst: the open-loop --rate is multiplied by M for --burst-for S seconds
                                from --burst-at S seconds into the measured phase (rest mode; default none)
          --burst-at S          (10)   --burst-for S   (10)
          --cancel-probe N      cancels/s from 8 accounts of its own that rested orders far from the mid before the
                                measured phase: their latency before, during and after the burst (0)
        """;

    public int Callers => Math.Min(Concurrency, Accounts);

    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
                throw new ArgumentException($"expected --name value, got '{args[i]}'");
            values[args[i][2..]] = args[++i];
        }

        string Text(string name, string fallback) => values.Remove(name, out var v) ? v : fallback;
        int Int(string name, int fallback) => int.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

        var options = new LoadOptions(
            new Uri(Text("url", "http://localhost:5000")),
            Text("token", Environment.GetEnvironmentVariable("EXCHANGE_ADMIN_TOKEN") ?? ""),
            Int("accounts", 200), Int("concurrency", 64), Int("rate", 0),
            TimeSpan.FromSeconds(Int("duration", 30)), TimeSpan.FromSeconds(Int("warmup", 5)),
            Text("symbols", "BTC-PERP").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            Int("max-open", 8), Int("cross", 8), Int("cancel", 45), Int("seed", 1), Text("deposit", "100000000"),
            Text("mode", "rest") is var mode && mode == "all" ? ["rest", "batch", "ws"] : [mode], Int("batch", 20),
            Int("burst", 0), TimeSpan.FromSeconds(Int("burst-at", 10)), TimeSpan.FromSeconds(Int("burst-for", 10)), Int("cancel-probe", 0));
        if (values.Count > 0) throw new ArgumentException($"unknown option --{values.Keys.First()}");
        if (options.AdminToken.Length == 0) throw new ArgumentException("--token (the admin token the gateway printed) is required");
        if (options.Modes.Any(m => m is not ("rest" or "batch" or "ws"))) throw new ArgumentException("--mode is rest, batch, ws or all");
        if (options.BatchSize <= 0) throw new ArgumentException("--batch must be positive");
        if (options.BurstMultiplier > 1 && (options.Rate == 0 || options.Modes is not ["rest"]))
            throw new ArgumentException("--burst needs an open-loop --rate in rest mode");
        if (options.BurstMultiplier < 0 || options.CancelProbe < 0) throw new ArgumentException("--burst and --cancel-probe cannot be negative");
        if (options.Accounts <= 0 || options.Concurrency <= 0 || options.Rate < 0) throw new ArgumentException("counts must be positive");
        return options;
    }
}
