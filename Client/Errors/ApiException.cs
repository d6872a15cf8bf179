namespace Exchange.Client.Errors;

/// <summary>
/// Thrown while reading a request that cannot be served; the error middleware answers with its problem. Used only
/// for malformed input (deep inside parsers a result type would thread through every helper); refusals by the
/// venue's rules are results.
/// </summary>
public sealed class ApiException(ApiError error) : Exception(error.Detail)
{
    public ApiError Error { get; } = error;
}
