using System.Numerics;

namespace Exchange.Matching;

/// <summary>
/// A set of small integers that finds the nearest member above or below any point in a few word operations:
/// level 0 has a bit per member, and each higher level a bit per non-empty word of the level below.
/// Written here because the BCL has no ordered bit set; it is what lets the fast book find the next price
/// level without walking empty ticks.
/// </summary>
internal sealed class HierarchicalBitmap
{
    private readonly ulong[][] _levels;

    public HierarchicalBitmap(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var levels = new List<ulong[]>();
        var bits = capacity;
        do
        {
            var words = (bits + 63) >> 6;
            levels.Add(new ulong[words]);
            bits = words;
        } while (bits > 1);
        _levels = [.. levels];
    }

    public bool IsEmpty => _levels[^1][0] == 0;

    public bool Contains(int i) => (_levels[0][i >> 6] & (1UL << (i & 63))) != 0;

    public void Set(int i)
    {
        for (var level = 0; level < _levels.Length; level++)
        {
            ref var word = ref _levels[level][i >> 6];
            var wasEmpty = word == 0;
            word |= 1UL << (i & 63);
            if (!wasEmpty) return;
            i >>= 6;
        }
    }

    public void Clear(int i)
    {
        for (var level = 0; level < _levels.Length; level++)
        {
            ref var word = ref _levels[level][i >> 6];
            word &= ~(1UL << (i & 63));
            if (word != 0) return;
            i >>= 6;
        }
    }

    /// <summary>The smallest member at or above <paramref name="i"/>, or -1.</summary>
    public int NextAtOrAbove(int i)
    {
        var level = 0;
        while (true)
        {
            var words = _levels[level];
            var w = i >> 6;
            if (w >= words.Length) return -1;
            var bits = words[w] & (ulong.MaxValue << (i & 63));
            if (bits != 0) { i = (w << 6) + BitOperations.TrailingZeroCount(bits); break; }
            if (++level == _levels.Length) return -1;
            i = w + 1;
        }
        while (level-- > 0) i = (i << 6) + BitOperations.TrailingZeroCount(_levels[level][i]);
        return i;
    }

    /// <summary>The largest member at or below <paramref name="i"/>, or -1.</summary>
    public int NextAtOrBelow(int i)
    {
        var level = 0;
        while (true)
        {
            if (i < 0) return -1;
            var words = _levels[level];
            var w = i >> 6;
            var bits = words[w] & (ulong.MaxValue >> (63 - (i & 63)));
            if (bits != 0) { i = (w << 6) + 63 - BitOperations.LeadingZeroCount(bits); break; }
            if (++level == _levels.Length) return -1;
            i = w - 1;
        }
        while (level-- > 0) i = (i << 6) + 63 - BitOperations.LeadingZeroCount(_levels[level][i]);
        return i;
    }
}
