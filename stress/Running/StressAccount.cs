using Exchange.PriceFeeds;

namespace Exchange.Stress.Running;

/// <summary>What an account is in the scenario.</summary>
internal enum AccountRole { Maker, Leveraged, Counterparty, Trader, Fund }

/// <summary>
/// An account the runner created: its id, key, role and (for a leveraged one) the market it holds its position in.
/// Client order ids are unique per account (and so per run), so every order can be asked for by its id at the end.
/// </summary>
internal sealed class StressAccount(long id, string apiKey, string apiSecret, AccountRole role, string? market = null)
{
    private long _nextOrder;

    public long Id { get; } = id;

    public AccountRole Role { get; } = role;

    public string? Market { get; } = market;

    public FeedSigner Signer { get; } = new(apiKey, apiSecret, TimeProvider.System);

    public string NextClientOrderId() => $"st{Id}-{Interlocked.Increment(ref _nextOrder)}";
}
