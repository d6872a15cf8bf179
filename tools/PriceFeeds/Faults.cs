using System.Globalization;
using System.Text.RegularExpressions;

namespace Exchange.PriceFeeds;

public enum FaultKind
{
    /// <summary>The feed publishes the honest price moved by an offset.</summary>
    Lie,
    /// <summary>The feed publishes nothing: its last price ages until the oracle counts it stale.</summary>
    Freeze,
    /// <summary>The feed keeps publishing its last price with fresh timestamps: alive, but stuck.</summary>
    Flatline,
}

/// <summary>
/// One injected fault: on one feed (or all, <see cref="Feed"/> null), from <see cref="From"/> after the start until
/// <see cref="Until"/> (for good when null). A lie moves the price by <see cref="OffsetBps"/> basis points and then by
/// <see cref="OffsetUnits"/>.
/// </summary>
public sealed partial record Fault(FaultKind Kind, string? Feed, TimeSpan From, TimeSpan? Until = null, int OffsetBps = 0, long OffsetUnits = 0)
{
    public bool IsActive(TimeSpan elapsed) => elapsed >= From && (Until is not { } until || elapsed < until);

    public bool Concerns(string feed) => Feed is null || string.Equals(Feed, feed, StringComparison.Ordinal);

    /// <summary>"sim-2:+800bps@30s", "sim-2:-1500@10s..40s" (an absolute offset in price units).</summary>
    public static Fault ParseLie(string text)
    {
        var (subject, from, until) = SplitWhen(text, "--lie");
        var colon = subject.LastIndexOf(':');
        if (colon <= 0) throw new FormatException($"--lie {text}: expected FEED:OFFSET[@WHEN], e.g. sim-2:+800bps@30s");
        var feed = subject[..colon];
        var offset = subject[(colon + 1)..];
        if (offset.Length < 2 || offset[0] is not ('+' or '-')) throw new FormatException($"--lie {text}: the offset needs a sign, e.g. +800bps or -150");
        var negative = offset[0] == '-';
        var magnitude = offset[1..];
        if (magnitude.EndsWith("bps", StringComparison.Ordinal))
        {
            if (!int.TryParse(magnitude[..^3], NumberStyles.None, CultureInfo.InvariantCulture, out var bps) || bps > 100_000 || (negative && bps >= 10_000))
                throw new FormatException($"--lie {text}: '{offset}' is not a whole number of basis points (a fall below -10000bps would be no price)");
            return new Fault(FaultKind.Lie, feed, from, until, OffsetBps: negative ? -bps : bps);
        }
        var units = PriceUnits.Parse(magnitude, $"--lie {text}: offset");
        return new Fault(FaultKind.Lie, feed, from, until, OffsetUnits: negative ? -units : units);
    }

    /// <summary>"sim-1@20s" for one feed, "@60s" (or "60s") with <paramref name="all"/>.</summary>
    public static Fault ParseStop(FaultKind kind, string text, bool all)
    {
        var option = $"--{kind.ToString().ToLowerInvariant()}{(all ? "-all" : "")}";
        if (all && !text.StartsWith('@')) text = "@" + text;
        var (feed, from, until) = SplitWhen(text, option);
        if (all != (feed.Length == 0)) throw new FormatException(all ? $"{option} {text}: takes only a time, e.g. {option}@60s" : $"{option} {text}: expected FEED[@WHEN]");
        return new Fault(kind, all ? null : feed, from, until);
    }

    // "subject@30s..90s" -> subject, 30 s, 90 s; no '@' means from the start.
    private static (string Subject, TimeSpan From, TimeSpan? Until) SplitWhen(string text, string option)
    {
        var at = text.LastIndexOf('@');
        if (at < 0) return (text, TimeSpan.Zero, null);
        var when = text[(at + 1)..];
        var range = when.Split("..");
        if (range.Length > 2) throw new FormatException($"{option} {text}: expected @FROM or @FROM..UNTIL");
        var from = ParseDuration(range[0], option);
        TimeSpan? until = range.Length == 2 ? ParseDuration(range[1], option) : null;
        if (until <= from) throw new FormatException($"{option} {text}: the end must come after the start");
        return (text[..at], from, until);
    }

    /// <summary>"500ms", "30s", "2m", "1h", "1m30s".</summary>
    public static TimeSpan ParseDuration(string text, string what)
    {
        var matches = DurationPart().Matches(text);
        if (text.Length == 0 || matches.Sum(m => m.Length) != text.Length)
            throw new FormatException($"{what}: '{text}' is not a duration like 500ms, 30s, 2m or 1m30s");
        var total = TimeSpan.Zero;
        foreach (Match m in matches)
        {
            var amount = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(amount),
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                _ => TimeSpan.FromHours(amount),
            };
        }
        return total;
    }

    [GeneratedRegex("([0-9]{1,9})(ms|s|m|h)")]
    private static partial Regex DurationPart();
}

/// <summary>The faults of a run, handing each feed the part that concerns it.</summary>
public sealed class FaultSchedule(IEnumerable<Fault> faults)
{
    public IReadOnlyList<Fault> Faults { get; } = [.. faults];

    public static FaultSchedule None { get; } = new([]);

    public FeedFaults For(string feed) => new(Faults.Where(f => f.Concerns(feed)).ToArray());
}

/// <summary>
/// What one feed publishes under its faults, moment by moment: nothing while frozen; while flat-lined, the last price
/// it published before (repeated, with fresh timestamps); otherwise the honest price moved by every active lie.
/// </summary>
public sealed class FeedFaults(IReadOnlyList<Fault> faults)
{
    private long? _last;
    private long? _flat;

    public IReadOnlyList<Fault> Faults { get; } = faults;

    /// <summary>The price to publish at <paramref name="elapsed"/>, or null to publish nothing.</summary>
    public long? Apply(TimeSpan elapsed, long honest)
    {
        if (Faults.Any(f => f.Kind == FaultKind.Freeze && f.IsActive(elapsed))) return null;
        if (Faults.Any(f => f.Kind == FaultKind.Flatline && f.IsActive(elapsed)))
        {
            _flat ??= _last ?? honest;
            return _last = _flat;
        }
        _flat = null;
        var price = honest;
        foreach (var lie in Faults.Where(f => f.Kind == FaultKind.Lie && f.IsActive(elapsed)))
            price = checked(PriceUnits.OffsetBps(price, lie.OffsetBps) + lie.OffsetUnits);
        if (price <= 0) price = 1; // a lie may be absurd, but a feed can only publish a positive price
        return _last = price;
    }
}
