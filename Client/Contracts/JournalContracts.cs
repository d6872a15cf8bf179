namespace Exchange.Client.Contracts;

/// <summary>How long a market's journal writes (group commits) took since the market activated.</summary>
/// <param name="Writes">Writes committed.</param>
/// <param name="Commands">Commands they carried (a write carries every command that arrived while the previous one was in flight).</param>
/// <param name="MeanMs">Mean time of a write, in milliseconds.</param>
/// <param name="SlowestMs">The slowest write.</param>
/// <param name="Buckets">How many writes took at most each bound (the last, with no bound: longer).</param>
public sealed record JournalResponse(string Symbol, long Writes, long Commands, double MeanMs, long SlowestMs, JournalBucket[] Buckets);

/// <param name="UpToMs">The bucket's bound (null: beyond the last bound).</param>
public sealed record JournalBucket(long? UpToMs, long Writes);
