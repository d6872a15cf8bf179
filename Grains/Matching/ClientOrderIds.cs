namespace Exchange.Matching;

/// <summary>
/// Remembers which order each (account, client order id) created, so that a repeated submission returns the
/// original order instead of making a second one. Only accepted orders are recorded: a rejection changes nothing.
/// </summary>
internal sealed class ClientOrderIds
{
    public const int MaxLength = 64;

    private readonly Dictionary<(long AccountId, string ClientOrderId), long> _orders = [];
    private ulong _hash;

    public int Count => _orders.Count;

    /// <summary>Order-independent digest of the whole map (a sum of per-entry hashes), kept up to date on insert.</summary>
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
    public ClientOrderIdEntry[] Entries() =>
        [.. _orders.Select(e => new ClientOrderIdEntry(e.Key.AccountId, e.Key.ClientOrderId, e.Value)).OrderBy(e => e.OrderId)];

    public void Add(long accountId, string clientOrderId, long orderId)
    {
        _orders.Add((accountId, clientOrderId), orderId);
        var h = new Fnv64();
        h.Add(accountId);
        h.Add(clientOrderId);
        h.Add(orderId);
        unchecked { _hash += h.Value; }
    }
}
