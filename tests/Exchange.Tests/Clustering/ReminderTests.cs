using System.Collections.Concurrent;
using Exchange.Tests.Infrastructure;
using Orleans.Runtime;
using static Exchange.Tests.Infrastructure.Polling;

namespace Exchange.Tests.Clustering;

/// <summary>
/// Reminders on the real PostgreSQL schema (migration 0009): one registered by a grain fires, and it still fires when
/// the silo that registered it is gone, from the survivor, because the reminder lives in the table, not in the silo.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReminderTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_reminder_registered_by_a_grain_fires_and_is_read_back_from_the_table()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database, silos: 1);
        var probe = cluster.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString("N"));

        await probe.Arm(TimeSpan.FromMilliseconds(500));

        Assert.Equal(1, await Sql.ScalarAsync<long>(database, "select count(*) from OrleansRemindersTable"));
        var fired = await Eventually(() => Task.FromResult(ReminderProbeGrain.Fired.TryGetValue(probe.GetPrimaryKeyString(), out var at)
            ? at : throw new InvalidOperationException("not fired yet")), Deadline);
        Assert.Equal(ReminderProbeGrain.Name, fired.Reminder);
        await probe.Disarm();
        Assert.Equal(0, await Sql.ScalarAsync<long>(database, "select count(*) from OrleansRemindersTable"));
    }

    [Fact]
    public async Task A_reminder_fires_on_the_survivor_after_the_silo_that_registered_it_stops()
    {
        var database = await postgres.CreateDatabaseAsync(applyMigrations: true);
        await using var cluster = await ExchangeCluster.StartAsync(database, silos: 2);
        var probe = cluster.Client.GetGrain<IReminderProbeGrain>(Guid.NewGuid().ToString("N"));
        // Long enough that the silo is surely gone before it is due: the firing must come from the table.
        var registeredOn = await probe.Arm(TimeSpan.FromSeconds(8));
        var host = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToString() == registeredOn);

        await cluster.Cluster.StopSiloAsync(host);
        Assert.False(ReminderProbeGrain.Fired.ContainsKey(probe.GetPrimaryKeyString()), "fired before its silo stopped");

        var fired = await Eventually(() => Task.FromResult(ReminderProbeGrain.Fired.TryGetValue(probe.GetPrimaryKeyString(), out var at)
            ? at : throw new InvalidOperationException("not fired yet")), Deadline);
        Assert.NotEqual(registeredOn, fired.Silo);
        Assert.Equal(cluster.Cluster.Silos.Single().SiloAddress.ToString(), fired.Silo);
    }
}

public interface IReminderProbeGrain : IGrainWithStringKey
{
    /// <summary>Registers the reminder; returns the silo this activation runs on.</summary>
    Task<string> Arm(TimeSpan due);

    Task Disarm();
}

/// <summary>Registers one reminder and records, in the test process, where and when it fired.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    public const string Name = "probe";

    public static readonly ConcurrentDictionary<string, (string Reminder, string Silo)> Fired = new();

    private readonly string _silo;

    public ReminderProbeGrain(ILocalSiloDetails silo) => _silo = silo.SiloAddress.ToString();

    async Task<string> IReminderProbeGrain.Arm(TimeSpan due)
    {
        await this.RegisterOrUpdateReminder(Name, due, TimeSpan.FromMinutes(1));
        return _silo;
    }

    async Task IReminderProbeGrain.Disarm()
    {
        if (await this.GetReminder(Name) is { } reminder) await this.UnregisterReminder(reminder);
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        Fired.TryAdd(this.GetPrimaryKeyString(), (reminderName, _silo));
        return Task.CompletedTask;
    }
}
