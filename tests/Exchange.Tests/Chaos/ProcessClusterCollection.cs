namespace Exchange.Tests.Chaos;

/// <summary>
/// The tests that start a cluster of processes run one at a time and never beside other tests: several silos, a
/// gateway and a PostgreSQL server each already load the two cores, and their timings (failure detection, the
/// interruptions they report) mean nothing when two such clusters compete.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    public const string Name = "Process clusters";
}
