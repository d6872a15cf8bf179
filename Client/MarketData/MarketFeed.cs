using Exchange.Markets;
using Exchange.Matching;

namespace Exchange.Client.MarketData;

/// <summary>
/// One market's data for every socket of this gateway: one grain subscription, an L2 book kept from a snapshot and
/// the committed updates, and the fan-out. A new subscriber gets a snapshot of this book and then every delta, under
/// one lock, so nothing falls between the two. When an update does not follow on (an update was lost, or the market
/// restarted), the feed takes a fresh snapshot from the market and sends it to everyone: a snapshot always resets.
/// A snapshot message is written once per sequence, from a copy of the book and outside the lock that updates need,
/// and every subscriber at that sequence gets the same bytes: subscribing again and again costs no serialisation.
/// </summary>
public sealed class MarketFeed : IMarketDataObserver
{
    /// <summary>The deepest book the market grain answers; levels beyond it are known only once an update touches them.</summary>
    public const int SnapshotDepth = 10_000;

    /// <summary>Tries to write a snapshot outside the lock before writing one under it (the book kept moving meanwhile).</summary>
    private const int SnapshotAttempts = 3;

    private readonly Lock _lock = new();
    private readonly MarketSpec _spec;
    private readonly IMarketGrain _market;
    private readonly SortedDictionary<long, long> _bids = new(Comparer<long>.Create((a, b) => b.CompareTo(a)));
    private readonly SortedDictionary<long, long> _asks = new();
    private readonly List<MarketDataUpdate> _early = [];
    private readonly HashSet<IFeedSubscriber> _book = [];
    private readonly HashSet<IFeedSubscriber> _trades = [];
    private long _sequence;
    private long _lastTrade;
    private MarketMode _mode;
    private bool _ready;
    private Task? _resync;
    private (long Sequence, Task<byte[]> Message)? _snapshot;
    private long _snapshotsWritten;

    public MarketFeed(MarketSpec spec, IMarketGrain market)
    {
        _spec = spec;
        _market = market;
    }

    /// <summary>Set by the hub once the grain holds a reference to this object (kept here so it is not collected).</summary>
    public IMarketDataObserver? Reference { get; set; }

    public string Symbol => _spec.Symbol;

    /// <summary>How many snapshot messages this feed has written (for the metric and the tests).</summary>
    public long SnapshotsWritten => Interlocked.Read(ref _snapshotsWritten);

    /// <summary>Takes the snapshot that updates are applied to; updates that arrive meanwhile wait for it.</summary>
    public Task Resync()
    {
        lock (_lock)
        {
            _ready = false;
            if (_resync is { IsCompleted: false } running) return running;
            return _resync = Snapshot();
        }
    }

    /// <summary>Adds a subscriber to the book channel: it gets the snapshot at once (or when the feed has one), then every delta.</summary>
    public async Task SubscribeBook(IFeedSubscriber subscriber)
    {
        for (var attempt = 1; ; attempt++)
        {
            Task<byte[]> writing;
            lock (_lock)
            {
                if (_book.Contains(subscriber)) return;
                if (!_ready)
                {
                    _book.Add(subscriber); // the snapshot being taken reaches it
                    return;
                }
                if (_snapshot is not { } current || current.Sequence != _sequence)
                    _snapshot = current = (_sequence, attempt < SnapshotAttempts ? WriteOutsideLock() : Task.FromResult(SnapshotMessage()));
                if (current.Message.IsCompletedSuccessfully)
                {
                    _book.Add(subscriber);
                    subscriber.TrySend(current.Message.Result);
                    return;
                }
                writing = current.Message;
            }
            await writing; // then, if the book is still at that sequence, the snapshot is sent under the lock
        }
    }

    public void SubscribeTrades(IFeedSubscriber subscriber)
    {
        lock (_lock) _trades.Add(subscriber);
    }

    public bool Unsubscribe(IFeedSubscriber subscriber, bool book)
    {
        lock (_lock) return book ? _book.Remove(subscriber) : _trades.Remove(subscriber);
    }

    public void Remove(IFeedSubscriber subscriber)
    {
        lock (_lock)
        {
            _book.Remove(subscriber);
            _trades.Remove(subscriber);
        }
    }

    public Task OnMarketData(MarketDataUpdate update)
    {
        lock (_lock)
        {
            foreach (var trade in update.Trades)
            {
                if (trade.Sequence <= _lastTrade) continue;
                _lastTrade = trade.Sequence;
                Broadcast(_trades, FeedMessages.Trade(_spec, trade));
            }
            if (!_ready)
            {
                _early.Add(update);
                return Task.CompletedTask;
            }
            if (update.ToSequence <= _sequence) return Task.CompletedTask;
            if (update.FromSequence > _sequence + 1)
            {
                _early.Add(update);
                _ready = false;
                if (_resync is null or { IsCompleted: true }) _resync = Observed(Snapshot());
                return Task.CompletedTask;
            }
            Apply(update);
        }
        return Task.CompletedTask;
    }

    private async Task Snapshot()
    {
        await Task.Yield(); // never run the grain call under the caller's lock
        BookView view;
        try
        {
            view = await _market.GetBook(SnapshotDepth);
        }
        catch (Exception)
        {
            lock (_lock) _resync = null;
            throw;
        }
        lock (_lock)
        {
            Load(view);
            var early = _early.OrderBy(u => u.FromSequence).ToArray();
            _early.Clear();
            foreach (var update in early)
            {
                if (update.ToSequence <= _sequence) continue;
                if (update.FromSequence > _sequence + 1)
                {
                    // Still a hole after the snapshot: the missing update may yet arrive; try again.
                    _early.AddRange(early.Where(u => u.ToSequence > _sequence));
                    _resync = Observed(Snapshot());
                    return;
                }
                ApplyQuietly(update);
            }
            _ready = true;
            var message = SnapshotMessage();
            _snapshot = (_sequence, Task.FromResult(message));
            Broadcast(_book, message);
        }
    }

    /// <summary>Whether the feed holds a current book; the hub retries a failed snapshot when it renews.</summary>
    public bool NeedsSnapshot
    {
        get { lock (_lock) return !_ready && _resync is null or { IsCompleted: true }; }
    }

    /// <summary>A snapshot started from a market-data callback has no one to await it; a failure waits for the next renewal.</summary>
    private static async Task Observed(Task snapshot)
    {
        try { await snapshot; }
        catch (Exception) { /* NeedsSnapshot stays true; the hub tries again */ }
    }

    private void Load(BookView view)
    {
        _bids.Clear();
        _asks.Clear();
        foreach (var level in view.Bids) _bids[level.Price] = level.Size;
        foreach (var level in view.Asks) _asks[level.Price] = level.Size;
        _sequence = view.Sequence;
        _mode = view.Mode;
    }

    private void Apply(MarketDataUpdate update)
    {
        var previous = _sequence;
        ApplyQuietly(update);
        Broadcast(_book, FeedMessages.Delta(_spec, previous, update));
    }

    private void ApplyQuietly(MarketDataUpdate update)
    {
        foreach (var change in update.Levels)
        {
            var side = change.Side == Side.Buy ? _bids : _asks;
            if (change.Size == 0) side.Remove(change.Price);
            else side[change.Price] = change.Size;
        }
        _sequence = update.ToSequence;
        _mode = update.Mode;
    }

    private byte[] SnapshotMessage()
    {
        Interlocked.Increment(ref _snapshotsWritten);
        return FeedMessages.Snapshot(_spec, _sequence, _mode, _bids, _asks);
    }

    /// <summary>Copies the book (under the lock) and writes its message on the thread pool.</summary>
    private Task<byte[]> WriteOutsideLock()
    {
        var (sequence, mode, bids, asks) = (_sequence, _mode, _bids.ToArray(), _asks.ToArray());
        Interlocked.Increment(ref _snapshotsWritten);
        return Task.Run(() => FeedMessages.Snapshot(_spec, sequence, mode, bids, asks));
    }

    private static void Broadcast(HashSet<IFeedSubscriber> subscribers, byte[] message)
    {
        foreach (var subscriber in subscribers) subscriber.TrySend(message);
    }
}
