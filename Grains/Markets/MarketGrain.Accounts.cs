using Exchange.Accounts;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// What a market owes the accounts: their committed events, each batch naming the event it follows, sent one
/// way after every commit (a market never waits for an account), and on request from the journal for an
/// account that finds a gap. Also the mark price the accounts value positions at.
/// </summary>
public sealed partial class MarketGrain
{
    private CommittedMark _mark;
    private readonly Dictionary<long, IAccountGrain> _accountRefs = [];

    public async Task<AccountEvents> GetAccountEvents(long accountId, long afterSequence)
    {
        await ReadyForQuery();
        if (!_heads.MayHaveEventsAfter(accountId, afterSequence)) return new AccountEvents(Symbol, afterSequence, [], _mark.Report);

        if (_recent.For(accountId, afterSequence) is { } held) return new AccountEvents(Symbol, afterSequence, held, _mark.Report);

        // Older than what memory holds: read the journal, but no further than needed, and tell the account how far it
        // is complete so that its cursor moves there even without events of its own (an idle account then reads the
        // old journal once, not at every reconciliation). An account the heads do not know has no event of its own
        // after the point they are complete from: its read ends there and the rest (market-wide events) comes from
        // memory when memory still holds it.
        var complete = _heads.CompleteFrom;
        var tail = _heads.Knows(accountId) ? null : _recent.For(accountId, complete);
        using var deadline = new CancellationTokenSource(_options.RecoveryTimeout);
        var events = new List<MarketEvent>();
        var readThrough = afterSequence;
        await foreach (var batch in _journal.ReadAfter(Symbol, afterSequence, deadline.Token))
        {
            if (tail is not null && batch.FirstSequence > complete) break;
            events.AddRange(AccountHeads.For(accountId, batch.Entries)
                .Where(e => e.Sequence > afterSequence && (tail is null || e.Sequence <= complete)));
            readThrough = batch.LastSequence;
        }
        return tail is null
            ? new AccountEvents(Symbol, afterSequence, [.. events], _mark.Report, CompleteThrough: readThrough)
            : new AccountEvents(Symbol, afterSequence, [.. events, .. tail], _mark.Report, CompleteThrough: complete);
    }

    public async Task<AccountEvents> GetAccountHistory(long accountId)
    {
        await ReadyForQuery();
        return new AccountEvents(Symbol, _recent.CompleteAfter, _recent.Held(accountId), _mark.Report);
    }

    public Task<long> GetMarkPrice() => Task.FromResult(_mark.Report.Price);

    public Task<MarkReport> GetMark() => Task.FromResult(_mark.Report);

    public async Task SetMarkPrice(long price)
    {
        var outcome = await Execute(new SetMarkPriceCommand(price));
        if (outcome.Status != CommandStatus.Committed) throw new MarketUnavailableException(outcome.Error ?? "the mark was not set");
        if (outcome.Rejection == RejectReason.InvalidPrice)
            throw new ArgumentOutOfRangeException(nameof(price), "outside the market's price range");
    }

    /// <summary>After a commit: send each account its events, naming the event they follow.</summary>
    private void NotifyAccounts(PendingBatch batch)
    {
        if (!_options.NotifyAccounts) return;
        var mark = _mark.Report;
        foreach (var (accountId, part) in batch.AccountEvents())
            Account(accountId).OnMarketEvents(new AccountEvents(Symbol, part.Previous, part.Events, mark)).Ignore();
    }

    /// <summary>Account references are kept: resolving one is dear next to sending it a message.</summary>
    private IAccountGrain Account(long accountId)
    {
        if (!_accountRefs.TryGetValue(accountId, out var account))
            _accountRefs[accountId] = account = GrainFactory.GetGrain<IAccountGrain>(accountId);
        return account;
    }

    private static long CommandingAccount(MarketCommand command) => command switch
    {
        PlaceCommand c => c.Order.AccountId,
        CancelCommand c => c.Cancel.AccountId,
        AmendCommand c => c.Amend.AccountId,
        CancelAllCommand c => c.AccountId,
        _ => 0,
    };
}
