using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Logging;

namespace Exchange.Accounts;

/// <summary>
/// The account's side of the markets it has joined. It applies each market's events to the ledger in the market's
/// order and exactly once, fetches what it missed on any gap (<see cref="IMarketGrain.GetAccountEvents"/>), marks a
/// market suspect while an answer from it is unknown and until it has caught up with it, and gathers the marks a
/// margin decision is taken at. It decides no margin question itself: the ledger does.
/// </summary>
internal sealed class AccountMarkets(long accountId, AccountLedger ledger, IGrainFactory grains, IAccountStore store,
    AccountOptions options, MarkPrices marks, AccountSnapshots snapshots, AccountObservers observers, ILogger logger)
{
    private readonly Dictionary<string, IMarketGrain> _refs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _joined = new(StringComparer.Ordinal);
    private readonly HashSet<string> _suspect = new(StringComparer.Ordinal);

    /// <summary>Market references are kept: resolving one is dear next to sending it a message.</summary>
    public IMarketGrain Market(string symbol)
    {
        if (!_refs.TryGetValue(symbol, out var market))
            _refs[symbol] = market = grains.GetGrain<IMarketGrain>(symbol);
        return market;
    }

    /// <summary>Takes up a market the account joined in an earlier activation, and catches up with it.</summary>
    public async Task Rejoin(MarketSpec spec)
    {
        ledger.Track(spec);
        _joined.Add(spec.Symbol);
        await CatchUp(spec.Symbol);
    }

    /// <summary>Joins a market (durably, before the first order there) and returns the account's exposure to it.</summary>
    public async Task<MarketExposure?> Enter(string symbol)
    {
        if (_joined.Contains(symbol)) return ledger.Find(symbol);
        var spec = await Market(symbol).GetSpec();
        if (spec is null) return null;
        using var deadline = new CancellationTokenSource(options.StoreTimeout);
        await store.AddMarket(accountId, symbol, deadline.Token);
        var exposure = ledger.Track(spec);
        _joined.Add(symbol);
        return exposure;
    }

    /// <summary>
    /// A market's one-way push. From a market the account never joined it means someone else's command moved this
    /// account there (the insurance fund taking a position over, a trader deleveraged): the account joins it, durably,
    /// and catches up from the start.
    /// </summary>
    public async Task OnMarketEvents(AccountEvents events)
    {
        if (!_joined.Contains(events.Symbol))
        {
            if (await Enter(events.Symbol) is null) return;
            await CatchUp(events.Symbol);
            return;
        }
        marks.Update(events.Symbol, events.Mark);
        if (events.Previous < 0 || !Apply(events.Symbol, events.Previous, events.Events)) await CatchUp(events.Symbol);
        snapshots.Changed();
    }

    /// <summary>
    /// Sends a command and applies its outcome. If the outcome is not known to be committed, events of it may
    /// still exist: the market is marked suspect and caught up before the account's next check. A Failed outcome is
    /// definite (nothing of it is in the journal), so it leaves nothing to catch up with. A committed outcome is
    /// returned even when applying it needs a catch-up that fails now: it is durable, and the ledger learns it later.
    /// Nothing thrown after the command was sent is an <see cref="UnavailableException"/> (that would claim nothing
    /// changed), so callers may take one as a definite refusal.
    /// </summary>
    public async Task<CommandOutcome> ExecuteAndSettle(string symbol, MarketCommand command)
    {
        CommandOutcome outcome;
        try
        {
            outcome = await Market(symbol).Execute(command);
        }
        catch (Exception ex)
        {
            _suspect.Add(symbol);
            if (ex is UnavailableException) throw new OrleansException($"the outcome in {symbol} is not known: {ex.Message}", ex);
            throw;
        }
        if (outcome.Status == CommandStatus.Unknown) _suspect.Add(symbol);
        try
        {
            await Settle(symbol, outcome);
        }
        catch (Exception ex)
        {
            _suspect.Add(symbol);
            logger.CatchUpFailed(ex, accountId, symbol);
        }
        return outcome;
    }

    /// <summary>Fetches and applies everything the market holds for this account after the cursor.</summary>
    public async Task CatchUp(string symbol)
    {
        var cursor = ledger.Find(symbol)!.Cursor;
        var missed = await Market(symbol).GetAccountEvents(accountId, cursor);
        marks.Update(symbol, missed.Mark);
        if (!Apply(symbol, missed.Previous, missed.Events))
            throw new InvalidOperationException($"account {accountId}: {symbol} answered from {missed.Previous}, cursor is {cursor}");
        ledger.AdvanceCursor(symbol, missed.CompleteThrough);
        snapshots.Changed();
    }

    public async Task CatchUpWithAll()
    {
        foreach (var symbol in _joined.ToArray()) await CatchUp(symbol);
    }

    /// <summary>
    /// Asks the markets where the account has orders or commands in flight (<paramref name="all"/>: every joined market,
    /// for a push missed with nothing working, a fill whose answer was lost leaves none open) whether it missed
    /// anything; a market that does not answer is asked again next time.
    /// </summary>
    public async Task Reconcile(bool all)
    {
        foreach (var m in ledger.Markets.ToArray())
        {
            if (!all && m.OpenOrders.Count == 0 && m.PendingCount == 0 && !_suspect.Contains(m.Spec.Symbol)) continue;
            try { await CatchUp(m.Spec.Symbol); }
            catch (Exception ex) { logger.CatchUpFailed(ex, accountId, m.Spec.Symbol); }
        }
    }

    /// <summary>
    /// The marks of the given markets and of every market with a position or orders. Orders are checked against
    /// marks recent enough (the market's latest report, see <see cref="AccountOptions.MarkMaxAge"/>); withdrawals
    /// and views ask the markets for their current marks.
    /// </summary>
    public async Task<Dictionary<string, long>> Marks(MarkAge age, params string[] extra)
    {
        foreach (var suspect in _suspect.Count == 0 ? [] : _suspect.ToArray())
        {
            try
            {
                await CatchUp(suspect);
                _suspect.Remove(suspect);
            }
            catch (Exception ex) { logger.CatchUpFailed(ex, accountId, suspect); }
        }
        var found = new Dictionary<string, long>(StringComparer.Ordinal);
        List<(string Symbol, Task<MarkReport> Mark)>? asked = null;
        void Need(string symbol)
        {
            if (found.ContainsKey(symbol) || asked?.Exists(a => a.Symbol == symbol) == true) return;
            if (age == MarkAge.RecentEnough && marks.TryGetFresh(symbol, out var mark)) found[symbol] = mark;
            else (asked ??= []).Add((symbol, Market(symbol).GetMark()));
        }
        foreach (var m in ledger.Markets)
            if (m.Position.Size != 0 || m.OpenOrders.Count > 0 || m.PendingCount > 0) Need(m.Spec.Symbol);
        foreach (var symbol in extra) Need(symbol);
        foreach (var (symbol, task) in asked ?? [])
        {
            var report = await task;
            marks.Update(symbol, report);
            found[symbol] = report.Price;
        }
        // A market whose terms changed after this account's cursor (a risk or mode change it was not sent) is caught
        // up first, so the decision uses the fees and margin tiers in force, in the market's sequence.
        foreach (var symbol in found.Keys)
            if (ledger.Find(symbol) is { } m && marks.MarketWideSequence(symbol) > m.Cursor) await CatchUp(symbol);
        return found;
    }

    /// <summary>
    /// Whether these marks may decide something that adds risk or takes money out. While a market's answer to an
    /// earlier command is unknown and the account could not catch up with it, an order may be live there that the
    /// ledger does not count: nothing of the kind is decided until the market answers again (throws; reducing and
    /// cancelling still are decided). A mark that follows an index that is stale now decides nothing of the kind (false).
    /// </summary>
    public bool MayAddRisk(Dictionary<string, long> found)
    {
        if (_suspect.Count > 0)
            throw new AccountUnavailableException(
                $"the outcome of an earlier command in {string.Join(", ", _suspect)} is not known yet; retry once that market answers");
        foreach (var symbol in found.Keys)
            if (marks.IsUntrusted(symbol)) return false;
        return true;
    }

    /// <summary>
    /// Whether these marks may decide a liquidation: every market the account is exposed to reports a trusted mark (a
    /// liquidation never acts on a stale index) and answered its last command (no outcome left unknown).
    /// </summary>
    public bool MayLiquidate(Dictionary<string, long> found) =>
        _suspect.Count == 0 && found.All(f => f.Value > 0 && !marks.IsUntrusted(f.Key));

    /// <summary>The current marks, or null if one of them may not decide a withdrawal (see <see cref="MayAddRisk"/>).</summary>
    public async Task<Dictionary<string, long>?> CurrentMarksIfRiskAllowed()
    {
        var found = await Marks(MarkAge.Current);
        return MayAddRisk(found) ? found : null;
    }

    /// <summary>Applies the account's events from a command's outcome, catching up first if they do not follow on.</summary>
    private async Task Settle(string symbol, CommandOutcome outcome)
    {
        if (outcome.Status != CommandStatus.Committed) return;
        marks.Update(symbol, outcome.Mark);
        var mine = Array.FindAll(outcome.Events, e => e.Kind != EventKind.OrderRejected
            && (e.AccountId == accountId || EventKinds.CounterpartyOf(e) == accountId));
        if (mine.Length == 0) return;
        if (outcome.AccountPrevious < 0 || !Apply(symbol, outcome.AccountPrevious, mine)) await CatchUp(symbol);
        snapshots.Changed();
    }

    /// <summary>The ledger's <see cref="AccountLedger.Apply"/>, counting the events and telling the observers what it applied.</summary>
    /// <summary>
    /// Told of each of this account's conditional orders that fired, once its event is applied: the account then places
    /// the order it carries like any new order (the market refuses a repeat by its client order id, so an event applied
    /// again after a reload places nothing twice).
    /// </summary>
    public Action<string, PlaceOrder>? Triggered { get; set; }

    private bool Apply(string symbol, long previous, MarketEvent[] events)
    {
        var before = ledger.Find(symbol)!.Cursor;
        if (!ledger.Apply(symbol, previous, events)) return false;
        snapshots.Applied(events.Length);
        observers.Applied(symbol, before, events);
        foreach (var e in events)
            if (e.Kind == EventKind.ConditionalTriggered && e.AccountId == accountId && e.Sequence > before) Triggered?.Invoke(symbol, e.TriggeredOrder);
        return true;
    }
}

internal enum MarkAge
{
    /// <summary>Ask the markets now.</summary>
    Current,
    /// <summary>The latest mark a market reported will do, if it is not older than the configured age.</summary>
    RecentEnough,
}
