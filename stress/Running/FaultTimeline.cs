using System.Collections.Concurrent;
using Exchange.Stress.Results;
using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;

namespace Exchange.Stress.Running;

/// <summary>
/// Plays the faults at their times: puts each on the timeline (and its end), and injects the infrastructure faults
/// through the target (<see cref="IExchangeTarget"/>). The others are acted out by whoever the schedule concerns (feeds,
/// makers, traders). A target that cannot inject a fault the scenario needs is refused before the run by
/// <see cref="Refusal"/>, so nothing here meets an unsupported fault.
/// </summary>
internal sealed class FaultTimeline(Scenario scenario, IExchangeTarget target, RunClock clock, TextWriter log)
{
    public ConcurrentQueue<TimelineMark> Marks { get; } = new();

    public ConcurrentQueue<(FaultScenario Fault, string Error)> Failures { get; } = new();

    /// <summary>Why this target cannot run the scenario (null: it can).</summary>
    public static string? Refusal(Scenario scenario, IExchangeTarget target)
    {
        var missing = new FaultSchedule(scenario).InfrastructureNeeds().Where(n => !target.Supports.HasFlag(n.Need)).ToList();
        if (missing.Count == 0) return null;
        var (need, fault) = missing[0];
        return $"scenario {scenario.Name} needs a target that can {Describe(need)} (fault '{fault.Kind}' at {fault.At} s); " +
               $"the {target.Kind} target cannot (it supports: {(target.Supports == InfrastructureFaults.None ? "none" : target.Supports.ToString())}). " +
               "Run it with --target cluster.";
    }

    private static string Describe(InfrastructureFaults need) => need switch
    {
        InfrastructureFaults.KillSilo => "kill a silo",
        InfrastructureFaults.FreezeSilo => "freeze a silo",
        InfrastructureFaults.StopDatabase => "stop PostgreSQL",
        _ => need.ToString(),
    };

    public Task RunAsync(CancellationToken ct) => Task.WhenAll(scenario.Faults.Select(f => PlayAsync(f, ct)));

    private async Task PlayAsync(FaultScenario fault, CancellationToken ct)
    {
        try
        {
            await clock.UntilAsync(FaultSchedule.StartMs(fault), ct);
            // Feed, maker and trader faults act on the schedule itself, so they begin exactly at their time; an
            // infrastructure fault begins when the target is asked to inject it.
            var infrastructure = fault.Kind is FaultKind.SiloKill or FaultKind.SiloFreeze or FaultKind.DatabaseStop;
            Marks.Enqueue(new TimelineMark(infrastructure ? clock.NowMs : FaultSchedule.StartMs(fault), "fault", Text(fault)));
            log.WriteLine($"[{clock.NowMs / 1000.0,6:0.0}s] fault: {Text(fault)}");
            var duration = TimeSpan.FromSeconds(fault.Seconds);
            switch (fault.Kind)
            {
                case FaultKind.SiloKill:
                    await target.KillSiloAsync(fault.Market, ct);
                    return;
                case FaultKind.SiloFreeze:
                    await target.FreezeSiloAsync(fault.Market, duration, ct);
                    break;
                case FaultKind.DatabaseStop:
                    await target.StopDatabaseAsync(duration, ct);
                    break;
                default:
                    await clock.UntilAsync(FaultSchedule.EndMs(fault), ct);
                    break;
            }
            Marks.Enqueue(new TimelineMark(infrastructure ? clock.NowMs : FaultSchedule.EndMs(fault), "recovered", $"{fault.Kind} ends"));
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Failures.Enqueue((fault, e.Message));
            Marks.Enqueue(new TimelineMark(clock.NowMs, "fault", $"{fault.Kind} could not be injected: {e.Message}"));
        }
    }

    public static string Text(FaultScenario f) => f.Kind switch
    {
        FaultKind.FeedLies => $"{f.Feeds} feed(s) of {f.Index} lie by {f.Percent:+0.##;-0.##}% for {f.Seconds} s",
        FaultKind.FeedsFreeze => $"{(f.Feeds == 0 ? "all" : f.Feeds.ToString(System.Globalization.CultureInfo.InvariantCulture))} feed(s) of {f.Index} freeze for {f.Seconds} s",
        FaultKind.MakersCancelAll => $"all makers cancel and stay out for {f.Seconds} s",
        FaultKind.OrderBurst => $"order burst x{f.Factor} for {f.Seconds} s",
        FaultKind.SiloKill => $"silo killed{(f.Market is null ? "" : $" (hosting {f.Market})")}",
        FaultKind.SiloFreeze => $"silo frozen{(f.Market is null ? "" : $" (hosting {f.Market})")} for {f.Seconds} s",
        FaultKind.DatabaseStop => $"PostgreSQL stopped for {f.Seconds} s",
        _ => f.Kind,
    };
}
