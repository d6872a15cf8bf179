using Exchange.Accounts;
using Exchange.Journal;
using Exchange.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace Exchange.Tests.FakeTime;

/// <summary>
/// The grain tier on fake time: one silo over the in-memory journal and account store, with a
/// <see cref="FakeTimeProvider"/> as the clock of the grains and of their timers (snapshots, reconciliation, mark
/// age), while Orleans' own background loops (membership, messaging, directory) keep the real clock. A test moves
/// time with <see cref="Advance"/>; nothing in this tier waits for the wall clock to pass.
/// </summary>
public sealed class FakeTimeCluster : IAsyncDisposable
{
    private FakeTimeCluster(ExchangeCluster cluster, FakeTimeProvider clock, InMemoryMarketJournal journal, InMemoryAccountStore store) =>
        (Exchange, Clock, Journal, Store) = (cluster, clock, journal, store);

    public ExchangeCluster Exchange { get; }
    public FakeTimeProvider Clock { get; }
    public InMemoryMarketJournal Journal { get; }
    public InMemoryAccountStore Store { get; }

    /// <param name="accountStore">Wraps the in-memory account store the grains use (to inject store faults).</param>
    /// <param name="journal">Wraps the in-memory journal the markets use (to make it slow, or fail).</param>
    /// <param name="options">Market options for the silo.</param>
    /// <param name="services">More silo services (a grain call filter, ...).</param>
    public static async Task<FakeTimeCluster> StartAsync(Func<IAccountStore, IAccountStore>? accountStore = null,
        Func<IMarketJournal, IMarketJournal>? journal = null, Action<Exchange.Markets.MarketOptions>? options = null,
        Action<IServiceCollection>? services = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 5, 9, 0, 0, TimeSpan.Zero));
        var memory = new InMemoryMarketJournal();
        var wrap = journal;
        var store = new InMemoryAccountStore();
        var extra = services;
        var cluster = await ExchangeCluster.StartAsync(postgres: null, silos: 1, configure: services =>
        {
            extra?.Invoke(services);
            services.AddSingleton<TimeProvider>(clock);
            services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            services.AddSingleton<IMarketJournal>(wrap?.Invoke(memory) ?? memory);
            services.AddSingleton<IAccountStore>(accountStore?.Invoke(store) ?? store);
        }, options);
        return new FakeTimeCluster(cluster, clock, memory, store);
    }

    public void Advance(TimeSpan by) => Clock.Advance(by);

    public ValueTask DisposeAsync() => Exchange.DisposeAsync();
}
