namespace Exchange.Accounts;

/// <summary>Why an account refused a command before it reached a market. Stable: the API maps each to an error code.</summary>
public enum AccountReject : byte
{
    None,
    InvalidAmount,
    /// <summary>The order's worst case would need more initial margin than the account's equity leaves free.</summary>
    InsufficientMargin,
    /// <summary>The withdrawal would leave less than the margin rules require, or draws on unrealised profit.</summary>
    InsufficientFunds,
    ReduceOnlyWouldIncrease,
    UnknownMarket,
    /// <summary>A transfer id reused with a different amount or direction.</summary>
    TransferIdConflict,
    InvalidAccount,
    /// <summary>
    /// A market the account is exposed to cannot vouch for its mark now (its index is stale): no withdrawal and no new
    /// risk is decided on it, in any market, until the index is trusted again. Orders that only reduce still pass.
    /// </summary>
    MarkUntrusted,
    /// <summary>An amend of an order the account does not hold open (after catching up with the market).</summary>
    OrderNotFound,
    /// <summary>The account is being liquidated: until it is done, nothing adds risk and nothing is withdrawn.</summary>
    Liquidating = 40,
    /// <summary>
    /// The order could take the account's position in the market beyond the market's per-account cap: the position plus
    /// every working order on that side and this one, were they all to fill. Reduce-only orders are never refused for it.
    /// </summary>
    OpenInterestLimit = 60,
}
