namespace Exchange.Markets;

/// <summary>
/// A market's mark as of a committed sequence, and the latest market-wide event (mode or risk change) then. Every
/// answer and push from a market carries one, so an account values positions at a journaled mark it can name (the
/// newest report wins: an older one never replaces it), and learns from <see cref="MarketWideSequence"/> whether it
/// has missed a change of the market's terms before it takes a margin decision.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarkReport")]
public readonly record struct MarkReport(long Price, long AsOf, long MarketWideSequence);
