using Exchange.Stress.Scenarios;
using Exchange.Stress.Targets;

namespace Exchange.Stress.Running;

/// <summary>
/// The scenario's faults as windows of the run's clock, asked by those who act them out: the path player (a feed lies
/// or is frozen), the makers (all out), the traders (a burst). Pure: the same scenario and time give the same answer.
/// Infrastructure faults are played by <see cref="FaultTimeline"/> through the target.
/// </summary>
internal sealed class FaultSchedule(Scenario scenario)
{
    public IReadOnlyList<FaultScenario> Faults => scenario.Faults;

    public static long StartMs(FaultScenario f) => (long)Math.Round(f.At * 1000);

    public static long EndMs(FaultScenario f) => StartMs(f) + (long)Math.Round(f.Seconds * 1000);

    private IEnumerable<FaultScenario> Active(string kind, long now) =>
        scenario.Faults.Where(f => f.Kind == kind && now >= StartMs(f) && now < EndMs(f));

    /// <summary>Feeds are numbered from 1 (sim-1, ...); a fault naming N feeds takes the first N.</summary>
    public bool IsFrozen(string index, int feed, long now) =>
        Active(FaultKind.FeedsFreeze, now).Any(f => f.Index == index && (f.Feeds == 0 || feed <= f.Feeds));

    /// <summary>How far the feed lies now, in percent (0: it tells the truth).</summary>
    public decimal LiePercent(string index, int feed, long now) =>
        Active(FaultKind.FeedLies, now).Where(f => f.Index == index && feed <= f.Feeds).Sum(f => f.Percent);

    public bool MakersOut(long now) => Active(FaultKind.MakersCancelAll, now).Any();

    public double BurstFactor(long now) => Active(FaultKind.OrderBurst, now).Select(f => f.Factor).DefaultIfEmpty(1).Max();

    /// <summary>The windows of one kind (start, end), for verdicts that look inside them.</summary>
    public IEnumerable<(long From, long To)> Windows(string kind) => scenario.Faults.Where(f => f.Kind == kind).Select(f => (StartMs(f), EndMs(f)));

    /// <summary>The infrastructure faults the scenario needs, and the first fault needing each (for the refusal).</summary>
    public IReadOnlyList<(InfrastructureFaults Need, FaultScenario Fault)> InfrastructureNeeds() =>
        [.. scenario.Faults.Select(f => (Need: f.Kind switch
            {
                FaultKind.SiloKill => InfrastructureFaults.KillSilo,
                FaultKind.SiloFreeze => InfrastructureFaults.FreezeSilo,
                FaultKind.DatabaseStop => InfrastructureFaults.StopDatabase,
                _ => InfrastructureFaults.None,
            }, Fault: f)).Where(x => x.Need != InfrastructureFaults.None)];
}
