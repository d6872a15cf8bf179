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
}
