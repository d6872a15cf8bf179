namespace Exchange.Matching;

/// <summary>FNV-1a 64 over little-endian longs and UTF-16 strings: stable across processes and runs, unlike string.GetHashCode.</summary>
public struct Fnv64
{
    public const ulong OffsetBasis = 14695981039346656037UL;
    public const ulong Prime = 1099511628211UL;

    private ulong _value;

    public Fnv64() => _value = OffsetBasis;

    public readonly ulong Value => _value;

    public void Add(long value)
    {
        unchecked
        {
            var v = (ulong)value;
            for (var i = 0; i < 8; i++)
            {
                _value = (_value ^ (byte)v) * Prime;
                v >>= 8;
            }
        }
    }

    public void Add(string? value)
    {
        if (value is null) { Add(-1L); return; }
        Add(value.Length);
        foreach (var c in value) Add(c);
    }
}
