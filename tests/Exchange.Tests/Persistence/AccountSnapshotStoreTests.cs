using Exchange.Accounts;
using Exchange.Persistence;
using Exchange.Tests.Infrastructure;
using Npgsql;

namespace Exchange.Tests.Persistence;

/// <summary>
/// The snapshot write is a compare-and-set on the version the writer loaded: an activation that loaded before another
/// one wrote can never overwrite the newer snapshot, whatever its contents. The same contract for both stores.
/// </summary>
public static class AccountSnapshotStoreContract
{
    private static AccountSnapshot Ledger(long collateral) => new(collateral, collateral, 0, 0, 0, []);

    public static async Task An_older_activation_never_overwrites_a_newer_snapshot(IAccountStore store)
    {
        const long account = 42;
        var none = CancellationToken.None;
        Assert.Null(await store.LoadSnapshot(account, none));

        // Two activations load "no snapshot"; the first writes, then writes again over its own.
        Assert.True(await store.SaveSnapshot(account, expectedVersion: 0, transferSequence: 1, Ledger(100), none));
        Assert.True(await store.SaveSnapshot(account, expectedVersion: 1, transferSequence: 2, Ledger(300), none));
        var own = await store.LoadSnapshot(account, none);
        Assert.Equal((2L, 2L, 300L), (own!.Version, own.TransferSequence, own.Snapshot.Collateral));

        // The older one's first write (it expects none stored) and any write at a version it never read are refused.
        Assert.False(await store.SaveSnapshot(account, expectedVersion: 0, transferSequence: 5, Ledger(900), none));
        Assert.False(await store.SaveSnapshot(account, expectedVersion: 1, transferSequence: 5, Ledger(900), none));
        var stored = await store.LoadSnapshot(account, none);
        Assert.Equal((2L, 2L, 300L), (stored!.Version, stored.TransferSequence, stored.Snapshot.Collateral));

        // Another account's snapshot is its own.
        Assert.True(await store.SaveSnapshot(account + 1, expectedVersion: 0, transferSequence: 1, Ledger(7), none));
    }
}

public sealed class InMemoryAccountSnapshotStoreTests
{
    [Fact]
    public Task An_older_activation_never_overwrites_a_newer_snapshot() =>
        AccountSnapshotStoreContract.An_older_activation_never_overwrites_a_newer_snapshot(new InMemoryAccountStore());
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresAccountSnapshotStoreTests(PostgresFixture postgres)
{
    [Fact]
    public async Task An_older_activation_never_overwrites_a_newer_snapshot()
    {
        await using var source = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(applyMigrations: true));
        await AccountSnapshotStoreContract.An_older_activation_never_overwrites_a_newer_snapshot(new PostgresAccountStore(source));
    }

    /// <summary>A snapshot stored before versions existed counts as the first write: its activation replaces version 1.</summary>
    [Fact]
    public async Task A_snapshot_from_before_versions_is_version_one()
    {
        await using var source = NpgsqlDataSource.Create(await postgres.CreateDatabaseAsync(applyMigrations: true));
        await using (var insert = source.CreateCommand(
            "insert into account_snapshots (account_id, transfer_sequence, payload) values (9, 3, '{\"Collateral\":5,\"Deposited\":5,\"Withdrawn\":0,\"FeesPaid\":0,\"RealisedPnl\":0,\"Markets\":[]}')"))
            await insert.ExecuteNonQueryAsync();
        var store = new PostgresAccountStore(source);
        var stored = await store.LoadSnapshot(9, CancellationToken.None);
        Assert.Equal((1L, 3L, 5L), (stored!.Version, stored.TransferSequence, stored.Snapshot.Collateral));
        Assert.False(await store.SaveSnapshot(9, expectedVersion: 0, 4, stored.Snapshot, CancellationToken.None));
        Assert.True(await store.SaveSnapshot(9, expectedVersion: 1, 4, stored.Snapshot, CancellationToken.None));
    }
}
