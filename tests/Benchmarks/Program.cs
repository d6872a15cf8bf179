using BenchmarkDotNet.Running;
using Exchange.Benchmarks.Accounts;
using Exchange.Benchmarks.Common;
using Exchange.Benchmarks.Market;
using Exchange.Benchmarks.W1;

namespace Exchange.Benchmarks;

public static class Program
{
    private const string Usage = """
        usage:
          w1       [--seed N] [--engine fast|reference] [--warmup 2] [--passes 7] [--latency-passes 3]
                   [--messages 1000000] [--generate-with fast|reference] [--no-latency] [--band-bps N]
                   the W1 workload on a bare book, one thread: throughput passes (untimed per message), then
                   latency passes (every message timed); with --band-bps, throughput passes alternate between a book
                   without and one with an N bps price band, and the cost of the band check is reported
          market   [--journal postgres|memory|none] [--postgres <connection string>] [--callers 1,16,256] [--index-rate N]
                   [--orders 200000] [--rate 50000[,...]] [--max-seconds 30] [--warmup-orders 100000] [--seed N]
                   [--notify-accounts] [--set MarketOption=value]...
                   W1 through one durable market grain: closed loop per caller count, then open loop per rate
                   (--rate alone skips the closed loop unless --callers is given too)
          safe-mode [--journal postgres|memory] [--postgres <connection string>] [--rounds 20]
                   on real time: an index's feeds fall silent; from the oracle tick that finds it stale to its market
                   cancel-only (committed), and from the moment it became stale by policy
          accounts [--journal postgres|memory] [--postgres <connection string>] [--callers 1,16,256] [--orders 200000]
                   [--max-seconds 30] [--warmup-orders 50000] [--seed N] [--hot-maker-seconds 10] [--takers 64]
                   [--taker-size 10] [--mark-ticks N[,...]] [--set MarketOption=value]...
                   W1 through accounts and the market, durable and settled, per caller count (the audit must balance
                   after each), then one hot market-maker account receiving fills (0 seconds skips it); with
                   --mark-ticks 0,10 each caller count runs once per tick rate, in turn, and the ratio is reported
          recovery [--journal postgres|memory] [--postgres <connection string>] [--orders 1000000] [--batch 1000]
                   [--snapshot-every 200000] [--set MarketOption=value]...
                   time a 1M-order market's return to service after deactivation, and a full journal replay
          liquidations [--journal postgres|memory] [--postgres <connection string>] [--accounts 100000] [--drop-bps 2000]
                   [--seed N] [--max-seconds 60]
                   leveraged accounts in two markets, the first market's mark drops in one tick: the time for the risk view
                   to find every account under maintenance and until every one is handled; the audit must balance after
          cluster  [--silos 1,2,3] [--rounds 2] [--seconds 20] [--warmup 5] [--accounts 64] [--callers 32]
                   signed orders through one gateway process against N silo processes (a fresh cluster each time), by
                   the load generator in closed loop; silo counts alternate (1,2,3 then 3,2,1); ratios against 1 silo
          anything else: BenchmarkDotNet switcher (e.g. --filter '*')
        --set: a MarketOptions property (configuration section Exchange:Markets), e.g. --set RecentEvents=1000.
        --notify-accounts: also send each commit's events to the account grains (off: the market alone).
        --journal none: a journal that discards every batch (the grain alone); memory: InMemoryMarketJournal.
        --postgres: a server whose user may CREATE DATABASE (a fresh database is created and dropped); without it a
        throwaway local server is started with fsync on and stopped at the end.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] is "w1" or "market" or "accounts" or "recovery" or "safe-mode" or "liquidations" or "cluster")
        {
            Func<Task<int>> run;
            try
            {
                // Options are parsed before anything runs, so that only their problems print the usage.
                var rest = args[1..];
                switch (args[0])
                {
                    case "w1":
                        var w1 = ParseW1(rest);
                        run = () => Task.FromResult(W1Runner.Run(w1));
                        break;
                    case "market":
                        var market = ParseMarket(rest);
                        run = () => MarketBenchmark.RunAsync(market);
                        break;
                    case "safe-mode":
                        var safeMode = ParseSafeMode(rest);
                        run = () => Oracle.SafeModeBenchmark.RunAsync(safeMode);
                        break;
                    case "liquidations":
                        var liquidations = ParseLiquidations(rest);
                        run = () => Liquidation.LiquidationBenchmark.RunAsync(liquidations);
                        break;
                    case "cluster":
                        var cluster = Cluster.ClusterThroughputBenchmark.Parse(rest);
                        run = () => Cluster.ClusterThroughputBenchmark.RunAsync(cluster);
                        break;
                    case "accounts":
                        var accounts = ParseAccounts(rest);
                        run = () => EndToEndBenchmark.RunAsync(accounts);
                        break;
                    default:
                        var recovery = ParseRecovery(rest);
                        run = () => RecoveryBenchmark.RunAsync(recovery);
                        break;
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                Console.Error.WriteLine(Usage);
                return 2;
            }
            return await run();
        }
        if (args.Length > 0 && args[0] is "-h" or "--help") Console.WriteLine(Usage);
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }

    private static T Add<T>(T options, List<string> settings, string setting)
    {
        if (setting.IndexOf('=', StringComparison.Ordinal) <= 0) throw new ArgumentException($"--set {setting}: expected Name=Value");
        settings.Add(setting);
        return options;
    }

    private static W1Options ParseW1(string[] args)
    {
        var o = new W1Options(W1Workload.DefaultSeed, "fast", Passes: 7, Warmup: 2, LatencyPasses: 3, W1Workload.TimedCount,
            GenerateWith: null);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--seed" => o with { Seed = a.ULong() },
                "--engine" => o with { Engine = a.OneOf("fast", "reference") },
                "--generate-with" => o with { GenerateWith = a.OneOf("fast", "reference") },
                "--passes" => o with { Passes = a.Int(0) },
                "--warmup" => o with { Warmup = a.Int(0) },
                "--latency-passes" => o with { LatencyPasses = a.Int(0) },
                "--no-latency" => o with { LatencyPasses = 0 },
                "--messages" => o with { Messages = a.Int(1) },
                "--band-bps" => o with { BandBps = a.Int(1) },
                _ => throw a.Unknown(),
            };
        }
        return o;
    }

    private static Oracle.SafeModeOptions ParseSafeMode(string[] args)
    {
        var settings = new List<string>();
        var o = new Oracle.SafeModeOptions("postgres", null, Rounds: 20, settings);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--journal" => o with { Journal = a.OneOf("postgres", "memory") },
                "--postgres" => o with { Postgres = a.Value() },
                "--rounds" => o with { Rounds = a.Int(1) },
                "--set" => Add(o, settings, a.Value()),
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        return o;

        static Oracle.SafeModeOptions Add(Oracle.SafeModeOptions o, List<string> settings, string value)
        {
            settings.Add(value);
            return o;
        }
    }

    private static MarketBenchOptions ParseMarket(string[] args)
    {
        var settings = new List<string>();
        var o = new MarketBenchOptions("postgres", null, [1, 16, 256], Orders: 200_000, Rates: [], MaxSeconds: 30,
            WarmupOrders: 100_000, W1Workload.DefaultSeed, NotifyAccounts: false, settings);
        var a = new ArgReader(args);
        var callersGiven = false;
        while (a.Next(out var name))
        {
            callersGiven |= name == "--callers";
            o = name switch
            {
                "--index-rate" => o with { IndexRate = a.Int(0) },
                "--journal" => o with { Journal = a.OneOf("postgres", "memory", "none") },
                "--postgres" => o with { Postgres = a.Value() },
                "--callers" => o with { Callers = a.IntList(1) },
                "--orders" => o with { Orders = a.Int(1) },
                "--rate" => o with { Rates = a.IntList(1) },
                "--max-seconds" => o with { MaxSeconds = a.Int(1) },
                "--warmup-orders" => o with { WarmupOrders = a.Int(0) },
                "--seed" => o with { Seed = a.ULong() },
                "--notify-accounts" => o with { NotifyAccounts = true },
                "--set" => Add(o, settings, a.Value()),
                _ => throw a.Unknown(),
            };
        }
        if (o.Postgres is not null && o.Journal != "postgres") throw new ArgumentException("--postgres needs --journal postgres");
        // --rate alone runs only the open loop; give --callers as well to run both.
        return o.Rates.Length > 0 && !callersGiven ? o with { Callers = [] } : o;
    }

    private static AccountsBenchOptions ParseAccounts(string[] args)
    {
        var settings = new List<string>();
        var o = new AccountsBenchOptions("postgres", null, [1, 16, 256], Orders: 200_000, MaxSeconds: 30, WarmupOrders: 50_000,
            W1Workload.DefaultSeed, HotMakerSeconds: 10, Takers: 64, TakerSize: 10, settings);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--journal" => o with { Journal = a.OneOf("postgres", "memory") },
                "--postgres" => o with { Postgres = a.Value() },
                "--callers" => o with { Callers = a.IntList(1) },
                "--mark-ticks" => o with { MarkTicks = a.IntList(0) },
                "--orders" => o with { Orders = a.Int(1) },
                "--max-seconds" => o with { MaxSeconds = a.Int(1) },
                "--warmup-orders" => o with { WarmupOrders = a.Int(0) },
                "--seed" => o with { Seed = a.ULong() },
                "--hot-maker-seconds" => o with { HotMakerSeconds = a.Int(0) },
                "--takers" => o with { Takers = a.Int(1) },
                "--taker-size" => o with { TakerSize = a.Int(1) },
                "--set" => Add(o, settings, a.Value()),
                _ => throw a.Unknown(),
            };
        }
        if (o.Postgres is not null && o.Journal != "postgres") throw new ArgumentException("--postgres needs --journal postgres");
        return o;
    }

    private static Liquidation.LiquidationBenchOptions ParseLiquidations(string[] args)
    {
        var o = new Liquidation.LiquidationBenchOptions("postgres", null, Accounts: 100_000, DropBps: 2_000, W1Workload.DefaultSeed, MaxSeconds: 60);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--journal" => o with { Journal = a.OneOf("postgres", "memory") },
                "--postgres" => o with { Postgres = a.Value() },
                "--accounts" => o with { Accounts = a.Int(1) },
                "--drop-bps" => o with { DropBps = a.Int(1) },
                "--seed" => o with { Seed = (ulong)a.Int(0) },
                "--max-seconds" => o with { MaxSeconds = a.Int(1) },
                _ => throw a.Unknown(),
            };
        }
        if (o.Postgres is not null && o.Journal != "postgres") throw new ArgumentException("--postgres needs --journal postgres");
        return o;
    }

    private static RecoveryBenchOptions ParseRecovery(string[] args)
    {
        var settings = new List<string>();
        var o = new RecoveryBenchOptions("postgres", null, Orders: 1_000_000, BatchSize: 1000,
            SnapshotEvery: new Exchange.Markets.MarketOptions().SnapshotEveryEvents, settings);
        var a = new ArgReader(args);
        while (a.Next(out var name))
        {
            o = name switch
            {
                "--journal" => o with { Journal = a.OneOf("postgres", "memory") },
                "--postgres" => o with { Postgres = a.Value() },
                "--orders" => o with { Orders = a.Int(2) },
                "--batch" => o with { BatchSize = a.Int(1) },
                "--snapshot-every" => o with { SnapshotEvery = a.Long(1) },
                "--set" => Add(o, settings, a.Value()),
                _ => throw a.Unknown(),
            };
        }
        if (o.Postgres is not null && o.Journal != "postgres") throw new ArgumentException("--postgres needs --journal postgres");
        return o;
    }
}
