using Exchange.Markets;

namespace Exchange.Tests.Markets;

/// <summary>A market's queries read the journal a few at a time: the others wait their turn, within their own deadline.</summary>
public sealed class JournalReadsTests
{
    [Fact]
    public async Task A_read_waits_while_the_places_are_taken_and_runs_when_one_frees()
    {
        var reads = new JournalReads("GATE", concurrent: 1);
        var firstMayEnd = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = reads.Run(TimeSpan.FromSeconds(20), _ => firstMayEnd.Task);
        var secondStarted = false;
        var second = reads.Run(TimeSpan.FromSeconds(20), _ => { secondStarted = true; return Task.FromResult(2); });

        Assert.False(second.IsCompleted);
        Assert.False(secondStarted);
        firstMayEnd.SetResult(1);
        Assert.Equal(1, await first);
        Assert.Equal(2, await second.WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public async Task A_read_that_gets_no_place_within_its_deadline_is_refused_and_the_place_stays_usable()
    {
        var reads = new JournalReads("GATE", concurrent: 1);
        var held = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = reads.Run(TimeSpan.FromSeconds(20), _ => held.Task);

        var refused = await Assert.ThrowsAsync<MarketUnavailableException>(() =>
            reads.Run(TimeSpan.FromMilliseconds(50), _ => Task.FromResult(0)));
        Assert.Contains("GATE", refused.Message);

        held.SetResult(1);
        await holder;
        Assert.Equal(3, await reads.Run(TimeSpan.FromSeconds(20), left => Task.FromResult(left > TimeSpan.Zero ? 3 : -1)));
    }

    [Fact]
    public async Task A_read_that_throws_gives_its_place_back()
    {
        var reads = new JournalReads("GATE", concurrent: 1);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.Run<int>(TimeSpan.FromSeconds(20), _ => throw new InvalidOperationException()));
        Assert.Equal(4, await reads.Run(TimeSpan.FromSeconds(1), _ => Task.FromResult(4)));
    }
}
