using Exchange.Client.Contracts;
using Exchange.Client.Input;
using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Client.Indices;

/// <summary>An oracle's view of its index as the API shows it: prices as decimal strings, statuses as words.</summary>
public static class IndexMapping
{
    /// <summary>Feeds named so are a simulation (a local run or a test), not a real market's price.</summary>
    public const string SimulatedPrefix = "sim-";

    public static IndexResponse Index(IndexView view) => new(
        view.Index, Price(view.Price), Vocabulary.Of(view.Status), view.AsOf,
        new VolatilityResponse(view.SigmaPpm, view.HorizonSigmaPpm < 0 ? null : view.HorizonSigmaPpm), Policy(view.Policy, view.Volatility),
        [.. view.Feeds.Select(f => new IndexFeedResponse(f.Name, f.FeedId, Price(f.Price), f.AgeMs, Vocabulary.Of(f.Status), f.Enabled,
            f.Accepted, f.Refused))],
        view.Markets, view.Feeds.Any(f => f.Name.StartsWith(SimulatedPrefix, StringComparison.Ordinal)));

    public static IndexPolicyResponse Policy(IndexPolicy policy, VolatilityPolicy volatility) => new(
        policy.MinFeeds, policy.StaleAfterMs, policy.MaxDeviationBps,
        new VolatilityPolicyResponse(volatility.IntervalMs, volatility.LambdaPpm, volatility.HorizonIntervals));

    /// <summary>null for "no price" (0).</summary>
    public static string? Price(long price) => price > 0 ? IndexPrices.Format(price) : null;

    /// <summary>What a subscriber would notice: the index, its status, its feeds' prices and statuses (not their ages).</summary>
    public static bool SameForSubscribers(IndexView a, IndexView b) =>
        a.Price == b.Price && a.Status == b.Status && a.SigmaPpm == b.SigmaPpm && a.HorizonSigmaPpm == b.HorizonSigmaPpm
        && a.Policy == b.Policy && a.Volatility == b.Volatility && a.Markets.SequenceEqual(b.Markets)
        && a.Feeds.Length == b.Feeds.Length
        && a.Feeds.Zip(b.Feeds).All(p => p.First.FeedId == p.Second.FeedId && p.First.Price == p.Second.Price
            && p.First.Status == p.Second.Status && p.First.Enabled == p.Second.Enabled);
}
