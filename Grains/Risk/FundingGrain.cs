using Exchange.Markets;
using Microsoft.Extensions.Options;

namespace Exchange.Risk;

/// <summary>
/// Drives one market's funding on a durable schedule: a reminder at every interval boundary asks the market to settle
/// the interval that just ended. Exactly once is the market's doing (it refuses an interval at or before the last one it
/// settled, and that state is journaled), so a reminder that fires twice, late, or on another silo after a death pays
/// nothing twice. An interval whose reminder never fired (the cluster was down through it) is not settled afterwards.
/// </summary>
public sealed class FundingGrain(TimeProvider clock, IOptions<RiskOptions> options) : Grain, IFundingGrain, IRemindable
{
    private const string Reminder = "funding";

    private long IntervalMs => (long)options.Value.FundingInterval.TotalMilliseconds;

    public async Task Start()
    {
        if (await this.GetReminder(Reminder) is not null) return;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var next = (now / IntervalMs + 1) * IntervalMs;
        await this.RegisterOrUpdateReminder(Reminder, TimeSpan.FromMilliseconds(next - now), options.Value.FundingInterval);
    }

    public Task<CommandOutcome> Settle(long periodEnd) =>
        GrainFactory.GetGrain<IMarketGrain>(this.GetPrimaryKeyString()).Execute(new ApplyFundingCommand(periodEnd, IntervalMs));

    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        // The interval that ended at the latest boundary: a late tick still settles the interval it was meant for.
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await Settle(now / IntervalMs * IntervalMs);
    }
}
