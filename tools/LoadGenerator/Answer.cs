using System.Text.Json;

namespace Exchange.LoadGenerator;

/// <summary>The few fields of an answer the generator needs: the order id and status of a placed order, an error's code.</summary>
internal readonly record struct Answer(long OrderId, string? Status, string? Code)
{
    public bool Rests => Status is "new" or "partially_filled";

    public static Answer Read(ReadOnlySpan<byte> json)
    {
        long orderId = 0;
        string? status = null, code = null;
        if (json.IsEmpty) return default;
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1) continue;
                var field = reader.ValueTextEquals("orderId"u8) ? 1 : reader.ValueTextEquals("status"u8) ? 2 : reader.ValueTextEquals("code"u8) ? 3 : 0;
                if (!reader.Read()) break;
                if (field == 1 && reader.TokenType == JsonTokenType.Number) orderId = reader.GetInt64();
                else if (field == 2 && reader.TokenType == JsonTokenType.String) status = reader.GetString();
                else if (field == 3 && reader.TokenType == JsonTokenType.String) code = reader.GetString();
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) reader.Skip();
            }
        }
        catch (JsonException)
        {
            code = "UNPARSEABLE_ANSWER";
        }
        return new Answer(orderId, status, code);
    }
}
