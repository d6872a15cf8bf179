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

/// <summary>
/// One order's outcome in a batch answer or a WebSocket response: <c>{"status":201,"order":{"orderId","status"},"error":{"code"}}</c>.
/// </summary>
internal readonly record struct ItemAnswer(int Status, Answer Answer)
{
    /// <summary>The items of a batch answer (<c>{"orders":[...]}</c>); empty if it is not one.</summary>
    public static List<ItemAnswer> ReadBatch(ReadOnlySpan<byte> json)
    {
        var items = new List<ItemAnswer>();
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 2) items.Add(ReadObject(ref reader));
            }
        }
        catch (JsonException)
        {
        }
        return items;
    }

    /// <summary>A WebSocket response: the item's fields at the top level, and its request id.</summary>
    public static (long Id, ItemAnswer Item) ReadResponse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        long id = -1;
        var item = ReadObject(ref reader, r => id = r.TokenType == JsonTokenType.Number ? r.GetInt64() : -1);
        return (id, item);
    }

    /// <summary>Reads the object the reader is on (StartObject) to its end.</summary>
    private static ItemAnswer ReadObject(ref Utf8JsonReader reader, IdReader? onId = null)
    {
        var depth = reader.CurrentDepth;
        int status = 0;
        long orderId = 0;
        string? orderStatus = null, code = null;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName) continue;
            var level = reader.CurrentDepth - depth;
            var field = reader.ValueTextEquals("status"u8) ? 1 : reader.ValueTextEquals("id"u8) ? 2
                : reader.ValueTextEquals("orderId"u8) ? 3 : reader.ValueTextEquals("code"u8) ? 4 : 0;
            if (field == 0 || level > 2 || !reader.Read()) continue;
            var type = reader.TokenType;
            if (level == 1 && field == 1 && type == JsonTokenType.Number) status = reader.GetInt32();
            else if (level == 1 && field == 2) onId?.Invoke(reader);
            else if (level == 2 && field == 3 && type == JsonTokenType.Number) orderId = reader.GetInt64();
            else if (level == 2 && field == 1 && type == JsonTokenType.String) orderStatus = reader.GetString();
            else if (level == 2 && field == 4 && type == JsonTokenType.String) code = reader.GetString();
        }
        return new ItemAnswer(status, new Answer(orderId, orderStatus, code));
    }

    private delegate void IdReader(Utf8JsonReader reader);
}
