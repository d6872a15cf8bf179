using System.Text.Json;
using System.Text.Json.Serialization;

namespace Exchange.Stress.Scenarios;

/// <summary>A scenario file that is not one: <see cref="Field"/> names what is wrong (e.g. <c>markets[0].tickSize</c>).</summary>
public sealed class ScenarioException(string field, string problem)
    : Exception($"{field}: {problem}")
{
    public string Field { get; } = field;
}

/// <summary>
/// Reads a scenario file: strict JSON (unknown fields, missing required fields and wrong types are refused with the
/// JSON path), then <see cref="ScenarioValidator"/>'s checks of what the values mean. Nothing is guessed or skipped.
/// </summary>
public static class ScenarioReader
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = false,
    };

    public static Scenario ReadFile(string path)
    {
        if (!File.Exists(path)) throw new ScenarioException("file", $"{path} does not exist");
        return Read(File.ReadAllText(path));
    }

    public static Scenario Read(string json)
    {
        Scenario? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize<Scenario>(json, Options);
        }
        catch (JsonException e)
        {
            var field = e.Path is { Length: > 0 } path ? path.TrimStart('$').TrimStart('.') : "(file)";
            throw new ScenarioException(field.Length == 0 ? "(file)" : field, Message(e));
        }
        if (scenario is null) throw new ScenarioException("(file)", "the file holds null, not a scenario");
        ScenarioValidator.Validate(scenario);
        return scenario;
    }

    // The serializer's messages end with a hint about the path we already name; keep the first sentence.
    private static string Message(JsonException e)
    {
        var text = e.Message;
        var cut = text.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut > 0 ? text[..cut] : text;
    }
}
