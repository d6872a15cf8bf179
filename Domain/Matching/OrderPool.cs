namespace Exchange.Matching;

/// <summary>An order of the fast book, stored by value in <see cref="OrderPool"/> and linked into its level's FIFO.</summary>
internal struct OrderNode
{
    public long Id;
    public long AccountId;
    public long Price;
    public long Remaining;
    public long Filled;
    public long AcceptedAt;
    public string? ClientOrderId;
    public int Next;
    public int Prev;
    public Side Side;
    public TimeInForce TimeInForce;
    public OrderFlags Flags;
    public SelfTradePrevention Stp;
}

/// <summary>
/// Orders by value in one growing array with a free list, so the steady state allocates nothing and neighbours
/// in a level tend to share cache lines. Slot -1 means "none".
/// </summary>
internal sealed class OrderPool
{
    public const int None = -1;

    private OrderNode[] _nodes = new OrderNode[1024];
    private int _used;
    private int _free = None;

    public int InUse { get; private set; }

    public ref OrderNode this[int slot] => ref _nodes[slot];

    public int Allocate()
    {
        InUse++;
        if (_free != None)
        {
            var slot = _free;
            _free = _nodes[slot].Next;
            return slot;
        }
        if (_used == _nodes.Length) Array.Resize(ref _nodes, _nodes.Length * 2);
        return _used++;
    }

    public void Release(int slot)
    {
        InUse--;
        _nodes[slot] = default;
        _nodes[slot].Next = _free;
        _free = slot;
    }
}
