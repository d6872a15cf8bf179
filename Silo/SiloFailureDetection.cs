using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;

namespace Exchange.Silo;

/// <summary>
/// How fast the cluster declares a silo dead, chosen so that the markets of a silo killed under load serve again
/// within 5 s (docs/DEPLOYMENT.md, "Failure detection"), measured by the chaos test. Orleans' defaults (5 s probes, 3
/// missed, 2 votes expiring after 2 minutes) take 15 to 20 s. Every silo probes its peers once a second (the probe
/// timeout adapts between half of <see cref="ProbeTimeout"/> and <see cref="MaxProbeTimeout"/> to the answers it
/// observes, and stretches while the prober itself is starved, so a busy 2-core host does not suspect its peers); three missed probes make a
/// suspicion, and two silos' suspicions (or every other silo's, in a cluster of two) declare the silo dead. A killed
/// silo refuses connections at once, so its probes fail fast: dead in 2 to 4 s. A frozen silo (SIGSTOP, a stalled VM)
/// keeps its connections open but answers nothing, so it is declared dead once its probes time out, 3 to 6 s, and
/// connection activity does not save it (the liveness check counts messages received from it, and it sends none).
/// When it wakes up it reads that it is dead and stops itself; until then its writes to a journal are fenced by the
/// journal's head row. Each setting can be overridden under <c>Orleans:Membership</c> (ClusterMembershipOptions' names).
/// </summary>
public static class SiloFailureDetection
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    public const int MissedProbes = 3, Votes = 2;

    /// <summary>
    /// The most the adaptive probe timeout may grow to (Orleans: four times <see cref="ProbeTimeout"/>, which made a
    /// frozen silo take 12 s to be declared dead here). Local starvation still stretches it (ExtendProbeTimeoutDuringDegradation).
    /// </summary>
    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Suspicions older than this no longer count towards a death: a few probe rounds, not Orleans' 2 minutes.</summary>
    public static readonly TimeSpan VoteExpiration = TimeSpan.FromSeconds(20);

    /// <summary>Reads the membership table this often besides gossip, so that a missed gossip message costs seconds.</summary>
    public static readonly TimeSpan TableRefresh = TimeSpan.FromSeconds(5);

    public static IServiceCollection AddSiloFailureDetection(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = ProbeTimeout;
            o.MaxProbeTimeout = MaxProbeTimeout;
            o.NumMissedProbesLimit = MissedProbes;
            o.NumVotesForDeathDeclaration = Votes;
            o.DeathVoteExpirationTimeout = VoteExpiration;
            o.TableRefreshTimeout = TableRefresh;
            o.EnableIndirectProbes = true;
            o.EnableConnectionLivenessCheck = true;
            o.ExtendProbeTimeoutDuringDegradation = true;
        });
        services.Configure<ClusterMembershipOptions>(configuration.GetSection("Orleans:Membership"));
        return services;
    }
}
