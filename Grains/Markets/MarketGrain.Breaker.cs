using Exchange.Breakers;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// The market's side of its circuit breaker: it tells the breaker of a trip once the trip is committed (one way, as
/// accounts are told of their events) and repeats it while the pause lasts, and it runs the breaker's reopen on its own
/// turn. The policy (how long, when to extend) is the breaker's; the trip itself happens inside matching.
/// </summary>
public sealed partial class MarketGrain
{
    private IGrainTimer? _breakerNotice;

    private ICircuitBreakerGrain Breaker => GrainFactory.GetGrain<ICircuitBreakerGrain>(Symbol);

    private static bool PausedByBreaker(FastOrderBook book) =>
        book.Mode == MarketMode.Auction && book.Terms.ModeCause.Actor == ModeActor.Breaker;

    /// <summary>After a commit that tripped the market: the breaker hears it now, and again until the pause ends.</summary>
    private void TellBreaker(BreakerTrip trip)
    {
        Breaker.OnTripped(trip).Ignore();
        _breakerNotice ??= this.RegisterGrainTimer(RepeatTrip, _options.BreakerNotice, _options.BreakerNotice);
    }

    /// <summary>After a load: a market found paused by its breaker makes sure the breaker knows.</summary>
    private void RemindBreakerOnStart()
    {
        if (_book is { } book && PausedByBreaker(book))
            TellBreaker(new BreakerTrip(book.Terms.MarketWideSequence, 0, book.Terms.ModeCause.Reason, book.Terms.Breaker));
    }

    private Task RepeatTrip(CancellationToken cancellationToken)
    {
        if (_book is { } book && _writer.Unavailable is null && PausedByBreaker(book))
        {
            // The time is unknown here (0): a breaker that missed the trip counts its pause from when it hears.
            Breaker.OnTripped(new BreakerTrip(book.Terms.MarketWideSequence, 0, book.Terms.ModeCause.Reason, book.Terms.Breaker)).Ignore();
        }
        else
        {
            _breakerNotice?.Dispose();
            _breakerNotice = null;
        }
        return Task.CompletedTask;
    }

    public async Task<ReopenAnswer> ReopenByBreaker(BreakerReopen request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await Ready() is not { } book) return new ReopenAnswer(ReopenOutcome.Unavailable, 0);
        // Nothing awaits from here to Run: the uncross trades exactly the book that was checked.
        var reference = book.Terms.BreakerReference(book.LastTradePrice);
        AuctionIndication? indicative = PausedByBreaker(book) && reference > 0 && book.TryIndicate(reference, out var i) ? i : null;
        var check = BreakerReopening.Check(book.Mode, book.Terms, book.Spec.Index is not null, reference, indicative);
        var batch = _writer.Open;
        if (check.Outcome == ReopenOutcome.Reopened)
        {
            var at = indicative is { } cross ? $"{cross.Price} ({cross.Volume} lots)" : $"the reference {reference} (nothing crossed)";
            var cause = new ModeCause(ModeActor.Breaker, $"reopened by auction at {at} within {check.Low} to {Math.Min(check.High, book.Spec.MaxPrice)}");
            Run(book, new ReopenCommand(Math.Clamp(reference, book.Spec.MinPrice, book.Spec.MaxPrice), cause), batch);
            if (request.Widened is { } widened && book.Terms.Breaker == widened)
                Run(book, new SetBreakerRulesCommand(request.Restore ?? BreakerRules.Off), batch);
        }
        else
        {
            batch.AddWaiter(); // the answer is judged against state that is durable only when this batch is
        }
        var answer = new ReopenAnswer(check.Outcome, book.Sequence, check.Low, check.High, indicative);
        return await _writer.Committed(batch) == CommandStatus.Committed ? answer : new ReopenAnswer(ReopenOutcome.Unavailable, 0);
    }
}
