using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

/// <summary>What an account logs, wherever in its activation it happens (the grain's logger category throughout).</summary>
internal static partial class AccountLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not catch up with {Market}")]
    public static partial void CatchUpFailed(this ILogger logger, Exception ex, long accountId, string market);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} snapshot failed")]
    public static partial void SnapshotFailed(this ILogger logger, Exception ex, long accountId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} snapshot was replaced since version {Version}; deactivating")]
    public static partial void SnapshotReplaced(this ILogger logger, long accountId, long version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId} transfer write failed; deactivating")]
    public static partial void TransferFailed(this ILogger logger, Exception ex, long accountId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Account {AccountId} could not place the order of its conditional {ClientOrderId} that fired in {Market}")]
    public static partial void TriggeredOrderFailed(this ILogger logger, long accountId, string market, string? clientOrderId, Exception ex);

    [LoggerMessage(Level = LogLevel.Error, Message = "Account {AccountId}: liquidation stopped; the risk view will start it again")]
    public static partial void LiquidationFailed(this ILogger logger, Exception ex, long accountId);
}
