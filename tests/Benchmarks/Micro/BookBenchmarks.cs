using BenchmarkDotNet.Attributes;
using Exchange.Benchmarks.W1;
using Exchange.Matching;

namespace Exchange.Benchmarks.Micro;

/// <summary>
/// A passive order placed on the W1 prefilled book (10,000 resting orders around mid 10,000) and cancelled
/// again, so the book is back where it started after every operation (only sequence and next id move).
/// </summary>
[MemoryDiagnoser]
public class PassiveBookBenchmarks
{
    private const long Account = 1_000_000_000; // W1 accounts are the user ids 1..1,000: no clash, no self-trade
    private readonly EventBuffer _events = new(256);
    private IOrderBook _book = null!;

    [Params("fast", "reference")]
    public string Engine { get; set; } = "fast";

    [GlobalSetup]
    public void Setup()
    {
        _book = W1Workload.CreateBook(Engine);
        W1Workload.Generate(_book, W1Workload.DefaultSeed, timedCount: 0); // applies the prefill
        var resting = _book.RestingOrderCount;
        PlacePassiveAndCancel();
        PlaceAndCancelNewLevel();
        if (resting != W1Workload.PrefillCount || _book.RestingOrderCount != resting || _events.Count != 2)
            throw new InvalidOperationException($"{resting} resting after prefill, {_book.RestingOrderCount} after place+cancel");
    }

    /// <summary>Joins the back of an existing, busy level (9,990) and leaves it.</summary>
    [Benchmark]
    public long PlacePassiveAndCancel()
    {
        _events.Clear();
        _book.Place(new PlaceOrder(Account, Side.Buy, OrderType.Limit, 9_990, 10), 0, _events);
        var id = _events[0].OrderId;
        _book.Cancel(new CancelOrder(Account, id), 0, _events);
        return id;
    }

    /// <summary>Opens a new level away from the book (9,000, nothing rests there) and removes it again.</summary>
    [Benchmark]
    public long PlaceAndCancelNewLevel()
    {
        _events.Clear();
        _book.Place(new PlaceOrder(Account, Side.Buy, OrderType.Limit, 9_000, 10), 0, _events);
        var id = _events[0].OrderId;
        _book.Cancel(new CancelOrder(Account, id), 0, _events);
        return id;
    }
}

/// <summary>
/// An aggressive buy that sweeps <see cref="Levels"/> ask levels of 5 orders x 10 lots (5 fills per level, the
/// taker fully filled, nothing rests), then the 5 x Levels consumed maker orders placed again so the next
/// operation meets the same book. One operation = 1 sweeping order + 5 x Levels passive placements.
/// </summary>
[MemoryDiagnoser]
public class SweepBenchmarks
{
    private const int OrdersPerLevel = 5;
    private const long LotsPerOrder = 10;
    private const long BestAsk = 10_001;
    private const long MakerAccount = 1, TakerAccount = 2;
    private readonly EventBuffer _events = new(256);
    private IOrderBook _book = null!;

    [Params("fast", "reference")]
    public string Engine { get; set; } = "fast";

    [Params(1, 3)]
    public int Levels { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _book = W1Workload.CreateBook(Engine);
        for (var level = 0; level < 10; level++)
            for (var n = 0; n < OrdersPerLevel; n++)
            {
                _book.Place(new PlaceOrder(MakerAccount, Side.Sell, OrderType.Limit, BestAsk + level, LotsPerOrder), 0, _events);
                _book.Place(new PlaceOrder(MakerAccount, Side.Buy, OrderType.Limit, BestAsk - 1 - level, LotsPerOrder), 0, _events);
                _events.Clear();
            }
        // One operation up front, to check it does what it says: accepted + one fill per maker, book restored.
        var resting = _book.RestingOrderCount;
        var events = SweepAndReplenish();
        if (events != 1 + Levels * OrdersPerLevel || _book.RestingOrderCount != resting)
            throw new InvalidOperationException($"sweep gave {events} events, {_book.RestingOrderCount} resting (was {resting})");
    }

    [Benchmark]
    public int SweepAndReplenish()
    {
        _events.Clear();
        _book.Place(new PlaceOrder(TakerAccount, Side.Buy, OrderType.Limit, BestAsk + Levels - 1,
            Levels * OrdersPerLevel * LotsPerOrder), 0, _events);
        var events = _events.Count;
        for (var level = 0; level < Levels; level++)
            for (var n = 0; n < OrdersPerLevel; n++)
            {
                _events.Clear();
                _book.Place(new PlaceOrder(MakerAccount, Side.Sell, OrderType.Limit, BestAsk + level, LotsPerOrder), 0, _events);
            }
        return events;
    }
}
