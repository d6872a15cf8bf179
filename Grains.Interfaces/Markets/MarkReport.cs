namespace Exchange.Markets;

/// <summary>
/// A market's mark as of a committed sequence, and the latest market-wide event (mode or risk change) then. Every
/// answer and push from a market carries one, so an account values positions at a journaled mark it can name (the
/// newest report wins: an older one never replaces it), and learns from <see cref="MarketWideSequence"/> whether it
/// has missed a change of the market's terms before it takes a margin decision. <see cref="Untrusted"/>: the market
/// follows an index that is stale now, so its mark (the last trusted one) must not decide a withdrawal or new risk.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarkReport")]
public readonly record struct MarkReport(long Price, long AsOf, long MarketWideSequence, bool Untrusted = false);
