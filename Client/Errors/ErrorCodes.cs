namespace Exchange.Client.Errors;

/// <summary>
/// The stable error codes of the API. Clients branch on these, so a code, once published, keeps its meaning;
/// the HTTP status and the human text may be refined.
/// </summary>
public static class ErrorCodes
{
    // Malformed input.
    public const string InvalidJson = "INVALID_JSON";
    public const string MissingField = "MISSING_FIELD";
    public const string UnknownField = "UNKNOWN_FIELD";
    public const string InvalidField = "INVALID_FIELD";
    public const string InvalidParameter = "INVALID_PARAMETER";
    public const string UnknownParameter = "UNKNOWN_PARAMETER";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string InvalidPrice = "INVALID_PRICE";
    public const string InvalidSize = "INVALID_SIZE";
    public const string InvalidAmount = "INVALID_AMOUNT";
    public const string InvalidClientOrderId = "INVALID_CLIENT_ORDER_ID";
    public const string InvalidTransferId = "INVALID_TRANSFER_ID";
    public const string InvalidOrderTerms = "INVALID_ORDER_TERMS";
    public const string InvalidMarketSpec = "INVALID_MARKET_SPEC";
    public const string InvalidAccount = "INVALID_ACCOUNT";
    public const string BadRequest = "BAD_REQUEST";
    public const string WebSocketRequired = "WEBSOCKET_REQUIRED";
    public const string BodyNotAllowed = "BODY_NOT_ALLOWED";

    // Authentication.
    public const string Unauthorized = "UNAUTHORIZED";
    public const string InvalidSignature = "INVALID_SIGNATURE";
    public const string InvalidTimestamp = "INVALID_TIMESTAMP";
    public const string TimestampOutOfWindow = "TIMESTAMP_OUT_OF_WINDOW";
    public const string ReplayedRequest = "REPLAYED_REQUEST";
    public const string FeedKeyRequired = "FEED_KEY_REQUIRED";
    public const string AccountKeyRequired = "ACCOUNT_KEY_REQUIRED";

    // Not there.
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string UnknownMarket = "UNKNOWN_MARKET";
    public const string OrderNotFound = "ORDER_NOT_FOUND";
    public const string AccountNotFound = "ACCOUNT_NOT_FOUND";
    public const string KeyNotFound = "KEY_NOT_FOUND";
    public const string UnknownIndex = "UNKNOWN_INDEX";
    public const string FeedNotFound = "FEED_NOT_FOUND";
    public const string AmbiguousOrderId = "AMBIGUOUS_ORDER_ID";

    // Refused by the rules or the state of the venue.
    public const string InsufficientMargin = "INSUFFICIENT_MARGIN";
    public const string InsufficientFunds = "INSUFFICIENT_FUNDS";
    public const string ReduceOnlyWouldIncrease = "REDUCE_ONLY_WOULD_INCREASE";
    public const string PostOnlyWouldTake = "POST_ONLY_WOULD_TAKE";
    public const string NoLiquidity = "NO_LIQUIDITY";
    public const string NoChange = "NO_CHANGE";
    public const string MarketHalted = "MARKET_HALTED";
    public const string MarketCancelOnly = "MARKET_CANCEL_ONLY";
    public const string MarketPostOnly = "MARKET_POST_ONLY";
    public const string MarketInAuction = "MARKET_IN_AUCTION";
    public const string NotInAuction = "NOT_IN_AUCTION";
    public const string MarketNotOpen = "MARKET_NOT_OPEN";
    public const string NoReferencePrice = "NO_REFERENCE_PRICE";
    public const string BookCrossed = "BOOK_CROSSED";
    public const string InvalidMode = "INVALID_MODE";
    public const string InvalidRisk = "INVALID_RISK";
    public const string InvalidReason = "INVALID_REASON";
    public const string DuplicateClientOrderId = "DUPLICATE_CLIENT_ORDER_ID";
    public const string TransferIdConflict = "TRANSFER_ID_CONFLICT";
    public const string MarketExists = "MARKET_EXISTS";
    public const string FeedExists = "FEED_EXISTS";
    public const string InvalidIndexPolicy = "INVALID_INDEX_POLICY";

    // A feed's price refused (per price in a batch; see Endpoints/IndexEndpoints).
    public const string WrongIndex = "WRONG_INDEX";
    public const string FeedDisabled = "FEED_DISABLED";
    public const string TimestampInFuture = "TIMESTAMP_IN_FUTURE";
    public const string TimestampNotAfterLast = "TIMESTAMP_NOT_AFTER_LAST";

    // Load and infrastructure.
    public const string RateLimited = "RATE_LIMITED";
    public const string OutcomeUnknown = "OUTCOME_UNKNOWN";
    public const string JournalUnavailable = "JOURNAL_UNAVAILABLE";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string MarkUntrusted = "MARK_UNTRUSTED";
    public const string Overloaded = "OVERLOADED";
    public const string NoIndex = "NO_INDEX";
    public const string PriceOutsideBand = "PRICE_OUTSIDE_BAND";
    public const string InvalidBreakerRules = "INVALID_BREAKER_RULES";

    public const string InvalidBreakerPolicy = "INVALID_BREAKER_POLICY";
    public const string InvalidTrigger = "INVALID_TRIGGER";
    public const string WouldTriggerImmediately = "WOULD_TRIGGER_IMMEDIATELY";
    public const string OrderChanged = "ORDER_CHANGED";
    public const string Liquidating = "LIQUIDATING";
    public const string InvalidLiquidationRules = "INVALID_LIQUIDATION_RULES";
    public const string NoLiquidationRules = "NO_LIQUIDATION_RULES";
    public const string InvalidTransfer = "INVALID_TRANSFER";
    public const string FundingNotDue = "FUNDING_NOT_DUE";
    public const string TransferBeyondPosition = "TRANSFER_BEYOND_POSITION";
    public const string OpenInterestLimit = "OPEN_INTEREST_LIMIT";
    public const string InvalidOpenInterestLimits = "INVALID_OPEN_INTEREST_LIMITS";
    public const string InternalError = "INTERNAL_ERROR";
}
