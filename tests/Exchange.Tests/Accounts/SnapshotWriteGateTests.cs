using Exchange.Accounts;
using Microsoft.Extensions.Options;

namespace Exchange.Tests.Accounts;

/// <summary>The silo's gate on periodic snapshot writes: at most so many at once, the rest not run (left for later).</summary>
public sealed class SnapshotWriteGateTests
{
    [Fact]
    public async Task Runs_at_most_its_slots_at_once_and_turns_the_rest_away_without_running_them()
    {
        var gate = new SnapshotWriteGate(Options.Create(new AccountOptions { SnapshotWritesInFlight = 2 }));
        var (first, second) = (new TaskCompletionSource(), new TaskCompletionSource());
        var running = new[] { gate.TryWrite(() => first.Task), gate.TryWrite(() => second.Task) };

        var ran = false;
        Assert.False(await gate.TryWrite(() => { ran = true; return Task.CompletedTask; }));
        Assert.False(ran);

        first.SetResult();
        Assert.True(await running[0]);
        Assert.True(await gate.TryWrite(() => { ran = true; return Task.CompletedTask; }));
        Assert.True(ran);

        // A write that fails gives its slot back too.
        await Assert.ThrowsAsync<InvalidOperationException>(() => gate.TryWrite(() => throw new InvalidOperationException("store down")));
        Assert.True(await gate.TryWrite(() => Task.CompletedTask));
        second.SetResult();
        Assert.True(await running[1]);
    }
}
