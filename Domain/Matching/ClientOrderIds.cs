namespace Exchange.Matching;

/// <summary>
/// Remembers which order each (account, client order id) created, so that a repeated submission returns the
/// original order instead of making a second one. Only accepted orders are recorded: a rejection changes nothing.
/// <para>
/// Bounded, as venues bound it: an id is remembered while its order rests, and otherwise for the market's next
/// <c>retainedOrders</c> orders (a million by default: minutes of retries even at full speed), then forgotten.
/// Forgetting happens only when an order with a client order id is accepted (so the map never grows without
/// forgetting) and depends only on the map and on which orders rest, so a book replayed from its journal, or rebuilt
/// from a snapshot, forgets exactly what the live book forgot.
/// </para>
/// </summary>
internal sealed class ClientOrderIds(Func<long, bool> isResting, long retainedOrders = ClientOrderIds.DefaultRetainedOrders)
{
    public const int MaxLength = 64;
    public const long DefaultRetainedOrders = 1_000_000;

    private readonly Dictionary<(long AccountId, string ClientOrderId), long> _orders = [];
    // Every entry, in ascending order id: first those not yet past the retention line, then those past it that
    // were resting when they crossed it (forgotten once their order no longer rests and all before them are gone).
    private readonly Queue<ClientOrderIdEntry> _recent = new();
    private readonly Queue<ClientOrderIdEntry> _aged = new();
    private ulong _hash;

    public int Count => _orders.Count;

    /// <summary>Order-independent digest of the whole map (a sum of per-entry hashes), kept up to date.</summary>
    public ulong Hash => _hash;

    public static bool IsValid(string id)
    {
        if (id.Length is 0 or > MaxLength) return false;
        foreach (var c in id)
            if (c is < '!' or > '~') return false;
        return true;
    }

    public bool TryGet(long accountId, string clientOrderId, out long orderId) =>
        _orders.TryGetValue((accountId, clientOrderId), out orderId);

    /// <summary>Every entry, in ascending order id.</summary>
    public ClientOrderIdEntry[] Entries() => [.. _aged, .. _recent];

    /// <summary>Records a newly accepted order's id (order ids ascend), then forgets what has aged out.</summary>
    public void Add(long accountId, string clientOrderId, long orderId)
    {
        var entry = new ClientOrderIdEntry(accountId, clientOrderId, orderId);
        Remember(entry);
        _recent.Enqueue(entry);
        var line = orderId - retainedOrders;
        while (_recent.TryPeek(out var oldest) && oldest.OrderId <= line)
        {
            _recent.Dequeue();
            if (isResting(oldest.OrderId)) _aged.Enqueue(oldest);
            else Forget(oldest);
        }
        while (_aged.TryPeek(out var aged) && !isResting(aged.OrderId)) Forget(_aged.Dequeue());
    }

    /// <summary>Restores the map a book's snapshot holds (its entries in ascending order id), as the live map was.</summary>
    public void Restore(IReadOnlyList<ClientOrderIdEntry> entries)
    {
        if (entries.Count == 0) return;
        // The newest entry is the last order accepted with an id, so the line is where that acceptance left it.
        var line = entries.Max(e => e.OrderId) - retainedOrders;
        foreach (var entry in entries.OrderBy(e => e.OrderId))
        {
            Remember(entry);
            (entry.OrderId <= line ? _aged : _recent).Enqueue(entry);
        }
    }

    private void Remember(in ClientOrderIdEntry entry)
    {
        _orders.Add((entry.AccountId, entry.ClientOrderId), entry.OrderId);
        unchecked { _hash += EntryHash(entry); }
    }

    private void Forget(in ClientOrderIdEntry entry)
    {
        _orders.Remove((entry.AccountId, entry.ClientOrderId));
        unchecked { _hash -= EntryHash(entry); }
    }

    private static ulong EntryHash(in ClientOrderIdEntry entry)
    {
        var h = new Fnv64();
        h.Add(entry.AccountId);
        h.Add(entry.ClientOrderId);
        h.Add(entry.OrderId);
        return h.Value;
    }
}
