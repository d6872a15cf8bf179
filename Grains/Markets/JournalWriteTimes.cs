namespace Exchange.Markets;

/// <summary>The journal writes' times, counted as they commit (on the market's turn, like the writer).</summary>
internal sealed class JournalWriteTimes
{
    private static readonly long[] Bounds = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000];
    private readonly long[] _counts = new long[Bounds.Length + 1];
    private long _writes, _commands;
    private TimeSpan _total, _slowest;

    public void Record(TimeSpan took, int commands)
    {
        (_writes, _commands, _total) = (_writes + 1, _commands + commands, _total + took);
        if (took > _slowest) _slowest = took;
        var bucket = Array.FindIndex(Bounds, upTo => took.TotalMilliseconds <= upTo);
        _counts[bucket < 0 ? Bounds.Length : bucket]++;
    }

    public JournalStats Stats() =>
        new(_writes, _commands, (long)_total.TotalMicroseconds, (long)_slowest.TotalMilliseconds, [.. Bounds], [.. _counts]);
}
