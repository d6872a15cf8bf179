using Exchange.Journal;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Exchange.Tests.Markets.MarketTestData;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// Load shedding on a journal made slow (its writes held at a gate while fake time passes): new orders that add risk
/// are refused OVERLOADED at once, while cancels, cancel-all, reduce-only orders and amends that shrink an order are
/// taken, wait for the journal, and are durable once it catches up.
/// </summary>
public sealed class LoadSheddingTests : IAsyncLifetime
{
    private readonly GatedJournal _gate = new();
    private readonly CommandArrivals _arrivals = new();
    private FakeTimeCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FakeTimeCluster.StartAsync(
        journal: inner => _gate.Over(inner),
        options: o => (o.ShedJournalLatency, o.AppendTimeout, o.ShedQueuedCommands) = (TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 50_000),
        services: s => s.AddSingleton<IIncomingGrainCallFilter>(_arrivals));

    public async Task DisposeAsync()
    {
        _gate.Open();
        await _cluster.DisposeAsync();
    }

    private async Task<(IMarketGrain Market, long Resting, long Other)> MarketWithOrders()
    {
        var symbol = NewSymbol("LS");
        Assert.Equal(CreateMarketResult.Created, await _cluster.Exchange.Registry.CreateMarket(Spec(symbol)));
        var market = _cluster.Exchange.Market(symbol);
        var resting = (await market.Execute(Limit(1, Side.Buy, 900, 5, "resting"))).AcceptedOrderId();
        var other = (await market.Execute(Limit(1, Side.Buy, 890, 5, "other"))).AcceptedOrderId();
        await market.Execute(Limit(2, Side.Sell, 1_100, 5, "ask"));
        return (market, resting, other);
    }

    [Fact]
    public async Task A_slow_journal_refuses_new_risk_but_takes_cancels_which_are_durable()
    {
        var (market, resting, other) = await MarketWithOrders();

        _gate.Close();
        var inFlight = market.Execute(Limit(3, Side.Buy, 880, 1, "in-flight"));
        await _gate.Entered.WaitAsync(Polling.DefaultDeadline);
        _cluster.Advance(TimeSpan.FromSeconds(2)); // the write in flight is now older than ShedJournalLatency

        var refused = await market.Execute(Limit(4, Side.Buy, 870, 1, "refused"));
        Assert.Equal(CommandStatus.Committed, refused.Status);
        Assert.Equal(RejectReason.Overloaded, refused.Rejection);
        var sent = _arrivals.Count;
        // In a batch, the new order is refused alone; the cancel beside it is taken and waits.
        var batched = market.ExecuteBatch([Limit(4, Side.Sell, 1_200, 1, "refused-too"), new CancelCommand(new CancelOrder(1, other))]);

        // These are taken: they wait for the journal like any command.
        var cancel = market.Execute(new CancelCommand(new CancelOrder(1, resting)));
        var cancelAll = market.Execute(new CancelAllCommand(2));
        var reduceOnly = market.Execute(new PlaceCommand(new PlaceOrder(5, Side.Sell, OrderType.Limit, 1_150, 1,
            Flags: OrderFlags.ReduceOnly, ClientOrderId: "reduce")));
        // The four calls have reached the market (a call filter counts them on the market's turn, so the write's end,
        // which resumes on that turn too, comes after them).
        await Polling.Eventually(() => _arrivals.Count >= sent + 4 ? Task.FromResult(true) : throw new InvalidOperationException("not all arrived"));
        Assert.False(cancel.IsCompleted);

        _gate.Open();
        Assert.Equal(CommandStatus.Committed, (await inFlight).Status);
        var refusedInBatch = await batched;
        Assert.Equal(RejectReason.Overloaded, refusedInBatch[0].Rejection);
        Assert.Contains(refusedInBatch[1].Events, e => e.Kind == EventKind.OrderCancelled && e.OrderId == other);
        Assert.Contains((await cancel).Events, e => e.Kind == EventKind.OrderCancelled && e.OrderId == resting);
        Assert.Contains((await cancelAll).Events, e => e.Kind == EventKind.OrderCancelled && e.AccountId == 2);
        Assert.Contains((await reduceOnly).Events, e => e.Kind == EventKind.OrderAccepted && e.ClientOrderId == "reduce");

        // Durable: the journal holds the cancels, and nothing of the refused orders.
        List<MarketEvent> journaled = [];
        await foreach (var batch in _cluster.Journal.ReadAfter((await market.GetSpec())!.Symbol, 0, CancellationToken.None))
            foreach (var entry in batch.Entries) journaled.AddRange(entry.Events);
        Assert.Contains(journaled, e => e.Kind == EventKind.OrderCancelled && e.OrderId == resting);
        Assert.Contains(journaled, e => e.Kind == EventKind.OrderCancelled && e.OrderId == other);
        Assert.Contains(journaled, e => e.Kind == EventKind.OrderCancelled && e.AccountId == 2);
        Assert.DoesNotContain(journaled, e => e.ClientOrderId is "refused" or "refused-too");

        // Once the journal is quick again, new orders are taken.
        var after = await market.Execute(Limit(4, Side.Buy, 870, 1, "after"));
        Assert.Equal(RejectReason.None, after.Rejection);
    }

    /// <summary>Counts the commands reaching a market, on the market's turn.</summary>
    private sealed class CommandArrivals : IIncomingGrainCallFilter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (context.InterfaceMethod?.Name is nameof(IMarketGrain.Execute) or nameof(IMarketGrain.ExecuteBatch)) Interlocked.Increment(ref _count);
            return context.Invoke();
        }
    }

    /// <summary>A journal whose appends wait at a gate while it is closed.</summary>
    private sealed class GatedJournal
    {
        private TaskCompletionSource _open = Opened();
        private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Entered => _entered.Task;

        public void Close() => (_open, _entered) = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));

        public void Open() => _open.TrySetResult();

        public IMarketJournal Over(IMarketJournal inner) => new Journal(inner, this);

        private static TaskCompletionSource Opened()
        {
            var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            open.SetResult();
            return open;
        }

        private sealed class Journal(IMarketJournal inner, GatedJournal gate) : DelegatingJournal(inner)
        {
            public override async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
            {
                gate._entered.TrySetResult();
                await gate._open.Task; // ignores the deadline on purpose: the writer must enforce it itself
                await Inner.Append(market, batch, cancellationToken);
            }
        }
    }
}
