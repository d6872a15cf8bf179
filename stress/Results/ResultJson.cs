using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Stress.Results;

/// <summary>How <c>result.json</c> is written and read: camelCase, indented, decimals as JSON numbers.</summary>
public static class ResultJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static string Write(StressResult result) => JsonSerializer.Serialize(result, Options);

    public static StressResult Read(string json) =>
        JsonSerializer.Deserialize<StressResult>(json, Options) ?? throw new JsonException("result.json is empty");
}
