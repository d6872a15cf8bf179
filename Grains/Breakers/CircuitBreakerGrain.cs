using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Microsoft.Extensions.Logging;

namespace Exchange.Breakers;

/// <summary>
/// The circuit breaker of one market: a shell around <see cref="CircuitBreaker"/>. It holds the state in grain storage
/// (written before anything the new state causes, conditional on the version it read, so two activations cannot both
/// act), and schedules the reopen twice: a grain timer for the exact moment, and a reminder as the durable net (the
/// reminder outlives this activation and its silo; whichever fires first finds the reopen due or re-arms the timer,
/// so the market reopens neither early nor never). What it decides reaches the market as journaled commands with the
/// breaker as actor: the band widened (<see cref="SetBreakerRulesCommand"/>) and the reopen (<see cref="IMarketGrain.ReopenByBreaker"/>).
/// </summary>
public sealed partial class CircuitBreakerGrain : Grain, ICircuitBreakerGrain, IRemindable
{
    private const string ReopenReminder = "reopen";

    private readonly IPersistentState<BreakerRecord> _record;
    private readonly TimeProvider _clock;
    private readonly ILogger<CircuitBreakerGrain> _logger;
    private IGrainTimer? _timer;

    // The oracles' grain storage provider is the exchange's one ADO.NET grain storage (migration 0006).
    public CircuitBreakerGrain([PersistentState("breaker", OracleStorage.Name)] IPersistentState<BreakerRecord> record,
        TimeProvider clock, ILogger<CircuitBreakerGrain> logger) => (_record, _clock, _logger) = (record, clock, logger);

    private string Symbol => this.GetPrimaryKeyString();

    private BreakerState State => _record.State.State;

    private long Now => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (State.Phase != BreakerPhase.Normal) ArmTimer();
        return Task.CompletedTask;
    }

    async Task ICircuitBreakerGrain.OnTripped(BreakerTrip trip)
    {
        ArgumentNullException.ThrowIfNull(trip);
        var step = CircuitBreaker.Tripped(State, trip, _record.State.Policy, Now);
        if (step.State == State) return;
        // A repeated notice carries no time: make sure the pause it speaks of has not already ended.
        if (trip.AtMs == 0 && !await StillPaused()) return;
        await Save(step.State);
        LogTripped(Symbol, trip.Reason, State.ReopenAtMs);
        await Arm();
    }

    Task<BreakerStatus> ICircuitBreakerGrain.GetStatus() => Task.FromResult(new BreakerStatus(Symbol, State, _record.State.Policy));

    async Task ICircuitBreakerGrain.SetPolicy(BreakerPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (policy.Problem() is { } problem) throw new ArgumentException(problem, nameof(policy));
        _record.State.Policy = policy;
        await _record.WriteStateAsync();
    }

    Task ICircuitBreakerGrain.CheckReopen() => CheckReopen();

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) => CheckReopen();

    private async Task CheckReopen()
    {
        if (State.Phase == BreakerPhase.Normal)
        {
            await Disarm();
            return;
        }
        if (!CircuitBreaker.IsDue(State, Now))
        {
            ArmTimer(); // a reminder ahead of time, or a timer lost with an activation
            return;
        }
        await Save(CircuitBreaker.BeginReopen(State, Now).State);
        var market = GrainFactory.GetGrain<IMarketGrain>(Symbol);
        var answer = await Ask(market);
        var step = CircuitBreaker.Attempted(State, answer, _record.State.Policy, Now);
        if (step.Widen is { } wider)
        {
            // Journaled before the state that counts on it; if it fails, the next attempt finds the old band and widens again.
            var outcome = await market.Execute(new SetBreakerRulesCommand(wider));
            if (outcome.Status != CommandStatus.Committed) LogUnavailable(Symbol, outcome.Error);
        }
        await Save(step.State);
        LogAttempt(Symbol, answer.Outcome, State.Phase, State.ReopenAtMs);
        if (State.Phase == BreakerPhase.Normal) await Disarm();
        else await Arm();
    }

    private async Task<ReopenAnswer> Ask(IMarketGrain market)
    {
        try
        {
            return await market.ReopenByBreaker(new BreakerReopen(State.Widened, State.NormalRules));
        }
        catch (Exception ex) when (ex is MarketUnavailableException or TimeoutException or OrleansException)
        {
            LogUnavailable(Symbol, ex.Message);
            return new ReopenAnswer(ReopenOutcome.Unavailable, 0);
        }
    }

    private async Task<bool> StillPaused()
    {
        var view = await GrainFactory.GetGrain<IMarketGrain>(Symbol).GetBreaker();
        return view.Mode == MarketMode.Auction && view.Terms.ModeCause.Actor == ModeActor.Breaker;
    }

    private async Task Save(BreakerState state)
    {
        _record.State.State = state;
        await _record.WriteStateAsync();
    }

    /// <summary>The timer for the exact moment, and the reminder in case this activation or its silo is gone by then.</summary>
    private async Task Arm()
    {
        ArmTimer();
        // A reminder's period is at least a minute: after the due time it keeps waking the breaker until it is normal.
        var due = TimeSpan.FromMilliseconds(Math.Max(0, State.ReopenAtMs - Now));
        await this.RegisterOrUpdateReminder(ReopenReminder, due, TimeSpan.FromMinutes(1));
    }

    private void ArmTimer()
    {
        _timer?.Dispose();
        var due = TimeSpan.FromMilliseconds(Math.Max(0, State.ReopenAtMs - Now));
        _timer = this.RegisterGrainTimer(_ => CheckReopen(), new GrainTimerCreationOptions(due, Timeout.InfiniteTimeSpan) { Interleave = false });
    }

    private async Task Disarm()
    {
        _timer?.Dispose();
        _timer = null;
        if (await this.GetReminder(ReopenReminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Symbol}: circuit breaker tripped ({Reason}); reopen due at {ReopenAtMs} (Unix ms)")]
    private partial void LogTripped(string symbol, string? reason, long reopenAtMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Symbol}: reopen attempt {Outcome}; breaker {Phase}, next due {ReopenAtMs} (Unix ms)")]
    private partial void LogAttempt(string symbol, ReopenOutcome outcome, BreakerPhase phase, long reopenAtMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Symbol}: market unavailable to its breaker: {Error}")]
    private partial void LogUnavailable(string symbol, string? error);
}
