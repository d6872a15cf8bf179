namespace Exchange.Client.Input;

/// <summary>Reads <c>{amount, transferId}</c>: a positive USD amount (at most 6 decimals) and an idempotency key.</summary>
public static class TransferReader
{
    public static (long Amount, string TransferId) Read(ReadOnlyMemory<byte> bytes)
    {
        var body = JsonBody.Parse(bytes, "amount", "transferId");
        var amount = Units.Micros(body.RequiredText("amount", Errors.ErrorCodes.InvalidAmount));
        var transferId = Identifiers.TransferId(body.RequiredText("transferId", Errors.ErrorCodes.InvalidTransferId));
        return (amount, transferId);
    }
}
