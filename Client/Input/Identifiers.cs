using System.Globalization;
using Exchange.Client.Errors;

namespace Exchange.Client.Input;

/// <summary>Client order ids, transfer ids and numeric ids from paths.</summary>
public static class Identifiers
{
    public const int MaxLength = 64;

    /// <summary>1 to 64 printable ASCII characters without spaces (the engine's rule for client order ids).</summary>
    public static bool IsValid(string? id) => id is { Length: > 0 and <= MaxLength } && id.All(c => c is >= '!' and <= '~');

    public static string ClientOrderId(string? id, string field = "clientOrderId") => IsValid(id) ? id!
        : throw new ApiException(ApiError.Field(ErrorCodes.InvalidClientOrderId, field,
            "a client order id is 1 to 64 printable ASCII characters without spaces"));

    public static string TransferId(string? id) => IsValid(id) ? id!
        : throw new ApiException(ApiError.Field(ErrorCodes.InvalidTransferId, "transferId",
            "a transfer id is 1 to 64 printable ASCII characters without spaces"));

    /// <summary>A positive id from a path segment.</summary>
    public static long PositiveId(string text, string name)
    {
        if (text.Length is 0 or > 18 || !text.All(char.IsAsciiDigit)
            || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            throw QueryReader.Invalid(name, $"'{name}' must be a positive whole number");
        return id;
    }

    /// <summary>A client order id for an order that came without one, so that the client can still ask about it.</summary>
    public static string NewClientOrderId() => "gw-" + Guid.NewGuid().ToString("N");
}
