namespace Exchange.Markets;

/// <summary>
/// How long a market's journal writes (its group commits) took since it activated: how many, the commands they carried,
/// their total time (microseconds) and slowest (milliseconds), and how many took at most each bound of <paramref name="UpToMs"/> (the last count: longer
/// than the last bound). Every command waits for one of these before it is answered.
/// </summary>
[GenerateSerializer, Immutable, Alias("JournalStats")]
public sealed record JournalStats(long Writes, long Commands, long TotalMicroseconds, long SlowestMs, long[] UpToMs, long[] Counts);
