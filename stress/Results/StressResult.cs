namespace Exchange.Stress.Results;

/// <summary>
/// Everything one run of a scenario observed, as the report draws it and as <c>result.json</c> holds it. The runner
/// fills it from what the exchange's APIs said (never from its own intentions: a liquidation is in the series because
/// the public liquidation feed reported it); the report reads nothing else. Times are milliseconds since the run's
/// start (<see cref="RunInfo.StartedAt"/>); prices and money are the API's exact decimals, converted to floating point
/// only when drawn.
/// </summary>
public sealed record StressResult(
    ScenarioInfo Scenario,
    RunInfo Run,
    StressSeries Series,
    IReadOnlyList<TimelineMark> Timeline,
    StressSummary Summary,
    IReadOnlyList<Verdict> Verdicts)
{
    /// <summary>True when every verdict holds: the run's one-word answer.</summary>
    public bool Passed => Verdicts.All(v => v.Holds);
}

/// <summary>Which scenario ran: its name and description from the file, and the file it came from.</summary>
public sealed record ScenarioInfo(string Name, string Description, string File, IReadOnlyList<string> Markets);

/// <summary>
/// Where and when it ran. <paramref name="Target"/> is <c>local</c> (an exchange started in the runner's process),
/// <c>cluster</c> (silo processes on this machine) or <c>url</c>; <paramref name="Machine"/> is a line such as
/// "2 cores, Linux 6.1, .NET 10.0.1".
/// </summary>
public sealed record RunInfo(
    DateTimeOffset StartedAt,
    DateTimeOffset EndedAt,
    string Target,
    string Machine,
    int Seed,
    long ReportMilliseconds);
