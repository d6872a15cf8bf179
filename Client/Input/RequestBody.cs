using Exchange.Client.Errors;

namespace Exchange.Client.Input;

/// <summary>
/// The request body, read once and bounded, before authentication (the signature covers it) and kept for the
/// endpoint. The endpoints never read the stream themselves.
/// </summary>
public sealed class RequestBody(ReadOnlyMemory<byte> bytes)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public static RequestBody Of(HttpContext context) =>
        context.Features.Get<RequestBody>() ?? throw new InvalidOperationException("the body was not buffered for this endpoint");

    public static async Task<ApiError?> BufferAsync(HttpContext context, int limit)
    {
        var request = context.Request;
        if (request.ContentLength > limit) return TooLarge(limit);
        using var buffer = new MemoryStream();
        var chunk = new byte[Math.Min(limit + 1, 16 * 1024)];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            if (buffer.Length + read > limit) return TooLarge(limit);
            buffer.Write(chunk, 0, read);
        }
        context.Features.Set(new RequestBody(buffer.ToArray()));
        return null;
    }

    private static ApiError TooLarge(int limit) =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"the body may be at most {limit} bytes");
}
