using Orleans.Runtime;

namespace Exchange.Persistence;

/// <summary>
/// The reminder table's twin of <see cref="StartedOnFirstUseGrainStorage"/>: Orleans' ADO.NET reminder table reads its
/// queries from the database while the silo starts, so without the database no silo (and no market) would start. This
/// holds that start back until the first read or write and tries again at the next one if it fails; the reminder
/// service retries its reads meanwhile, and the reminders fire once the database answers.
/// </summary>
internal sealed class StartedOnFirstUseReminderTable(IReminderTable inner) : IReminderTable, IDisposable
{
    private readonly SemaphoreSlim _starting = new(1, 1);
    private volatile bool _started;

    Task IReminderTable.StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    Task IReminderTable.Init() => Task.CompletedTask;

    async Task IReminderTable.StopAsync(CancellationToken cancellationToken)
    {
        if (_started) await inner.StopAsync(cancellationToken);
    }

    Task<ReminderTableData> IReminderTable.ReadRows(GrainId grainId) => Started(() => inner.ReadRows(grainId, CancellationToken.None));

    Task<ReminderTableData> IReminderTable.ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        Started(() => inner.ReadRows(grainId, cancellationToken), cancellationToken);

    Task<ReminderTableData> IReminderTable.ReadRows(uint begin, uint end) => Started(() => inner.ReadRows(begin, end, CancellationToken.None));

    Task<ReminderTableData> IReminderTable.ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        Started(() => inner.ReadRows(begin, end, cancellationToken), cancellationToken);

    Task<ReminderEntry?> IReminderTable.ReadRow(GrainId grainId, string reminderName) =>
        Started(() => inner.ReadRow(grainId, reminderName, CancellationToken.None));

    Task<ReminderEntry?> IReminderTable.ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        Started(() => inner.ReadRow(grainId, reminderName, cancellationToken), cancellationToken);

    Task<string?> IReminderTable.UpsertRow(ReminderEntry entry) => Started(() => inner.UpsertRow(entry, CancellationToken.None));

    Task<string?> IReminderTable.UpsertRow(ReminderEntry entry, CancellationToken cancellationToken) =>
        Started(() => inner.UpsertRow(entry, cancellationToken), cancellationToken);

    Task<bool> IReminderTable.RemoveRow(GrainId grainId, string reminderName, string eTag) =>
        Started(() => inner.RemoveRow(grainId, reminderName, eTag, CancellationToken.None));

    Task<bool> IReminderTable.RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        Started(() => inner.RemoveRow(grainId, reminderName, eTag, cancellationToken), cancellationToken);

    Task IReminderTable.TestOnlyClearTable() => Started(async () => { await inner.TestOnlyClearTable(CancellationToken.None); return true; });

    Task IReminderTable.TestOnlyClearTable(CancellationToken cancellationToken) =>
        Started(async () => { await inner.TestOnlyClearTable(cancellationToken); return true; }, cancellationToken);

    private async Task<T> Started<T>(Func<Task<T>> call, CancellationToken cancellationToken = default)
    {
        if (!_started)
        {
            await _starting.WaitAsync(cancellationToken);
            try
            {
                if (!_started)
                {
                    await inner.StartAsync(cancellationToken);
                    _started = true;
                }
            }
            finally
            {
                _starting.Release();
            }
        }
        return await call();
    }

    public void Dispose() => _starting.Dispose();
}
