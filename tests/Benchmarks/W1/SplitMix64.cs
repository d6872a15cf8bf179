namespace Exchange.Benchmarks.W1;

/// <summary>
/// SplitMix64 exactly as the W1 document defines it (all unsigned 64-bit, wrapping). The project compiles with
/// CheckForOverflowUnderflow, so every wrapping operation here is explicitly unchecked.
/// </summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        unchecked
        {
            _state += 0x9E3779B97F4A7C15UL;
            var z = _state;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    /// <summary><c>next() % n</c> (the plain modulo of the document, bias and all).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        return (int)(Next() % (ulong)n);
    }

    /// <summary><c>(next() &gt;&gt; 11) * 2^-53</c>: uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
