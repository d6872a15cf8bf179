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
    public async Task<AccountEvents> GetAccountEvents(long accountId, long afterSequence)
    {
        await ReadyForQuery();
        if (!_heads.MayHaveEventsAfter(accountId, afterSequence)) return new AccountEvents(Symbol, afterSequence, [], _mark.Report);

        if (_recent.For(accountId, afterSequence) is { } held) return new AccountEvents(Symbol, afterSequence, held, _mark.Report);
        if (_heads.MarketWideOnly(accountId, afterSequence) is { } marketWide)
            return new AccountEvents(Symbol, afterSequence, marketWide, _mark.Report);

        // Older than what memory holds: read the journal, but no further than needed.
        var (events, completeThrough) = await _journalReads.Run(_options.RecoveryTimeout,
            left => AccountCatchUp.Read(_journal, Symbol, _heads, _recent, accountId, afterSequence, left));
        return new AccountEvents(Symbol, afterSequence, events, _mark.Report, CompleteThrough: completeThrough);
    }

    public async Task<AccountEvents> GetAccountHistory(long accountId)
    {
        await ReadyForQuery();
        return new AccountEvents(Symbol, _recent.CompleteAfter, _recent.Held(accountId), _mark.Report);
    }

    public async Task<MarketEvent[]> GetOrderEvents(long accountId, long orderId)
    {
        var book = await ReadyForQuery();
        if (orderId <= 0 || orderId >= book.NextOrderId) return [];
        return await _journalReads.Run(_options.RecoveryTimeout,
            left => OrderArchive.Read(_journal, Symbol, _recent, accountId, orderId, left));
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
}
