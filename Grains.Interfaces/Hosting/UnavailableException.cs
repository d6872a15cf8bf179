namespace Exchange;

/// <summary>
/// The one way a grain says it cannot answer now (recovering, reloading, its store unreachable) and changed
/// nothing: callers retry later, and the gateway answers 503 with a code. Markets and accounts throw its subtypes.
/// </summary>
[GenerateSerializer, Alias("UnavailableException")]
public class UnavailableException(string message) : Exception(message);

/// <summary>The account cannot answer now (it is reloading after a write whose outcome it could not learn).</summary>
[GenerateSerializer, Alias("AccountUnavailableException")]
public sealed class AccountUnavailableException(string message) : UnavailableException(message);
