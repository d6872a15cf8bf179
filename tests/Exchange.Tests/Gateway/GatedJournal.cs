using Exchange.Journal;
using Exchange.Tests.Infrastructure;

namespace Exchange.Tests.Gateway;

/// <summary>Holds a market's journal appends while closed; the test can tell when one is waiting.</summary>
internal sealed class JournalGate
{
    private TaskCompletionSource _open = Done();
    private TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Entered => _entered.Task;
    public Task Opened => _open.Task;
    public void Close() => (_open, _entered) = (new(TaskCreationOptions.RunContinuationsAsynchronously), new(TaskCreationOptions.RunContinuationsAsynchronously));
    public void Open() => _open.TrySetResult();
    public void Enter() => _entered.TrySetResult();

    private static TaskCompletionSource Done()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
}

internal sealed class GatedJournal(IMarketJournal inner, JournalGate gate) : DelegatingJournal(inner)
{
    public override async Task Append(string market, JournalBatch batch, CancellationToken cancellationToken)
    {
        gate.Enter();
        await gate.Opened;
        await Inner.Append(market, batch, cancellationToken);
    }
}
