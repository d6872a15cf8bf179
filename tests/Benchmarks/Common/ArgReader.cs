using System.Globalization;

namespace Exchange.Benchmarks.Common;

/// <summary>Reads "--name value" options; every problem is an <see cref="ArgumentException"/> naming the option.</summary>
internal sealed class ArgReader(IReadOnlyList<string> args)
{
    private int _next;
    private string _name = "";

    /// <summary>Moves to the next option; false when there is none left.</summary>
    public bool Next(out string name)
    {
        if (_next >= args.Count)
        {
            name = "";
            return false;
        }
        name = _name = args[_next++];
        return true;
    }

    public string Value() =>
        _next < args.Count ? args[_next++] : throw new ArgumentException($"{_name} needs a value");

    public int Int(int min)
    {
        var v = Value();
        return int.TryParse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n : throw new ArgumentException($"{_name}: '{v}' is not an integer >= {min}");
    }

    public long Long(long min)
    {
        var v = Value();
        return long.TryParse(v, NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n : throw new ArgumentException($"{_name}: '{v}' is not an integer >= {min}");
    }

    public ulong ULong()
    {
        var v = Value();
        return ulong.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n : throw new ArgumentException($"{_name}: '{v}' is not an unsigned integer");
    }

    /// <summary>A comma-separated list such as "1,16,256".</summary>
    public int[] IntList(int min)
    {
        var v = Value();
        var parts = v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var list = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out list[i]) || list[i] < min)
                throw new ArgumentException($"{_name}: '{parts[i]}' is not an integer >= {min}");
        return list.Length > 0 ? list : throw new ArgumentException($"{_name}: empty list");
    }

    public string OneOf(params string[] allowed)
    {
        var v = Value();
        return allowed.Contains(v, StringComparer.Ordinal) ? v
            : throw new ArgumentException($"{_name} must be one of {string.Join('|', allowed)}, not '{v}'");
    }

    public ArgumentException Unknown() => new($"unknown option '{_name}'");
}
