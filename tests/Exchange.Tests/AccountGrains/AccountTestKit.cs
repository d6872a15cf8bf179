using Exchange.Accounts;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Exchange.Tests.AccountGrains;

/// <summary>
/// Shared pieces of the account integration tests: money units, order builders, a cluster on a fresh database,
/// polling with a deadline, and the fills of a market read straight
/// from its PostgreSQL journal (independently of any account).
/// </summary>
internal static class AccountTestKit
{
    /// <summary>One USD in micro-USD.</summary>
    public const long Usd = 1_000_000;

    /// <summary>Notional of one lot at one tick in <see cref="Exchange.Tests.Markets.MarketTestData.Spec"/> (0.5 USD x 0.001).</summary>
    public const long NotionalPerTickLot = 500;

    public static PlaceOrder Limit(Side side, long price, long size, string? clientOrderId = null,
        TimeInForce timeInForce = TimeInForce.GoodTillCancel) =>
        new(0, side, OrderType.Limit, price, size, timeInForce, ClientOrderId: clientOrderId);

    /// <summary>Initial margin (10%) of a quantity at a price in the test market.</summary>
    public static long InitialMargin(long price, long size) => price * size * NotionalPerTickLot / 10;

    /// <summary>A cluster of <paramref name="silos"/> silos on a fresh, migrated database.</summary>
    public static async Task<(ExchangeCluster Cluster, string Database)> StartCluster(PostgresFixture postgres,
        short silos = 2, Action<IServiceCollection>? configure = null, Action<MarketOptions>? marketOptions = null)
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        return (await ExchangeCluster.StartAsync(database, silos, configure, marketOptions), database);
    }

    public static Task<T> Eventually<T>(Func<Task<T>> attempt, TimeSpan within) => Polling.Eventually(attempt, within);

    public static Task Eventually(Func<Task> attempt, TimeSpan within) => Polling.Eventually(attempt, within);

    /// <summary>Throws (for <see cref="Polling.Eventually{T}"/>) unless the condition holds.</summary>
    public static void Require(bool condition, string message)
    {
        if (!condition) throw new RequirementNotMetException(message);
    }

    /// <summary>
    /// Every account's net position in a market, summed from the TradeExecuted events of its PostgreSQL journal:
    /// the taker trades <c>e.Side</c>, the maker the opposite side.
    /// </summary>
    public static async Task<Dictionary<long, long>> PositionsFromJournal(string database, string symbol)
    {
        var positions = new Dictionary<long, long>();
        await foreach (var trade in TradesFromJournal(database, symbol))
        {
            var signed = trade.Side == Side.Buy ? trade.Size : -trade.Size;
            positions[trade.AccountId] = positions.GetValueOrDefault(trade.AccountId) + signed;
            positions[trade.MakerAccountId] = positions.GetValueOrDefault(trade.MakerAccountId) - signed;
        }
        return positions;
    }

    public static async IAsyncEnumerable<MarketEvent> TradesFromJournal(string database, string symbol)
    {
        await foreach (var e in EventsFromJournal(database, symbol))
            if (e.Kind == EventKind.TradeExecuted) yield return e;
    }

    /// <summary>Every event of a market, in order, read straight from its journal in PostgreSQL.</summary>
    public static async IAsyncEnumerable<MarketEvent> EventsFromJournal(string database, string symbol)
    {
        await using var source = NpgsqlDataSource.Create(database);
        var journal = new PostgresMarketJournal(source);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var batch in journal.ReadAfter(symbol, 0, deadline.Token))
            foreach (var entry in batch.Entries)
                foreach (var e in entry.Events)
                    yield return e;
    }

    /// <summary>An account's position in one market as its view shows it (0 when the view lists none).</summary>
    public static long PositionIn(this AccountView view, string symbol) =>
        view.Positions.SingleOrDefault(p => p.Symbol == symbol)?.Size ?? 0;

    public static string Describe(this AuditReport audit) =>
        $"accounts {audit.Accounts}, holdings {audit.Holdings}, fees {audit.Fees}, net deposits {audit.NetDeposits}, " +
        $"money difference {audit.MoneyDifference}, net positions [{string.Join(", ", audit.NetPositions.Select(p => $"{p.Key}: {p.Value}"))}]";

    public static bool IsAccepted(this AccountOrderResult result) =>
        result.Reject == AccountReject.None && result.Outcome is { Status: CommandStatus.Committed } outcome
        && outcome.Events.Any(e => e.Kind == EventKind.OrderAccepted);
}

internal sealed class RequirementNotMetException(string message) : Exception(message);
