using Exchange.Matching;
using Exchange.Oracles;
using Exchange.Pricing;

namespace Exchange.Markets;

/// <summary>
/// Following an index: the oracle's readings become journaled <see cref="ApplyIndexCommand"/>s (the rules are the
/// domain's <see cref="IndexFollowing"/>), and the market distrusts its index by itself, in the journal too, where the
/// oracle cannot speak: when it (re)starts, however fresh its last reading looks, and when the oracle falls silent.
/// </summary>
public sealed partial class MarketGrain
{
    private IGrainTimer? _silenceTimer;

    public async Task ApplyIndex(IndexUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var book = await ReadyForQuery();
        if (book.Spec.Index?.Index != update.Index) return;
        _index.Heard();
        var outcome = await Execute(new ApplyIndexCommand(IndexWatch.Reading(update, book.Spec)));
        if (outcome.Status != CommandStatus.Committed) throw new MarketUnavailableException(outcome.Error ?? "the index reading was not journaled");
    }

    /// <summary>
    /// A market that follows an index starts distrusting it (the dYdX lesson: a chain restarted on stale oracle prices
    /// liquidated accounts wrongly): before any command runs, a restart tick puts it in its safe mode, and only fresh
    /// readings from the oracle reopen it. It also makes sure the oracle knows it and is awake.
    /// </summary>
    private async Task DistrustIndexOnStart()
    {
        if (_book?.Spec.Index is not { } rules) return;
        _index.Heard();
        await Distrust(IndexTickOrigin.Restart);
        // Best effort: an oracle that cannot answer must not keep its market from loading (it then stays safe).
        GrainFactory.GetGrain<IOracleGrain>(rules.Index).Follow(Symbol).Ignore();
        _silenceTimer ??= this.RegisterGrainTimer(CheckIndexSilence, _options.IndexSilenceCheck, _options.IndexSilenceCheck);
    }

    private async Task CheckIndexSilence(CancellationToken cancellationToken)
    {
        if (_book?.Spec.Index is not { } rules || !_index.IsSilent) return;
        GrainFactory.GetGrain<IOracleGrain>(rules.Index).Wake().Ignore();
        await Distrust(IndexTickOrigin.Silence);
    }

    /// <summary>Journals an untrusted tick of the given origin, unless the market already distrusts its index and trades nothing.</summary>
    private async Task Distrust(IndexTickOrigin origin)
    {
        if (await Ready() is not { } book || _index.Distrust(book, origin) is not { } tick) return;
        var outcome = await Execute(new ApplyIndexCommand(tick));
        if (outcome.Status != CommandStatus.Committed)
            throw new MarketUnavailableException(outcome.Error ?? $"the {origin} index tick was not journaled");
    }
}
