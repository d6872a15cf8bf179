namespace Exchange.Matching;

/// <summary>
/// Where a book writes the events of a command. The caller owns it and clears it between commands, so the
/// steady state allocates nothing.
/// </summary>
public sealed class EventBuffer
{
    private MarketEvent[] _items;
    private int _count;

    public EventBuffer(int capacity = 64) => _items = new MarketEvent[Math.Max(capacity, 4)];

    public int Count => _count;

    public ReadOnlySpan<MarketEvent> Events => _items.AsSpan(0, _count);

    public ref readonly MarketEvent this[int index]
    {
        get
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_count, nameof(index));
            return ref _items[index];
        }
    }

    public void Clear() => _count = 0;

    public void Add(in MarketEvent e)
    {
        if (_count == _items.Length) Array.Resize(ref _items, _items.Length * 2);
        _items[_count++] = e;
    }

    public MarketEvent[] ToArray() => Events.ToArray();
}
