using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>
/// The mark as of the last committed batch: what accounts are told. The book runs ahead of the journal (the open
/// batch is not durable yet), so the mark and the latest market-wide sequence are taken from committed events only.
/// </summary>
internal struct CommittedMark
{
    private long _setPrice;
    private long _lastTrade;
    private long _asOf;
    private long _marketWide;
    private bool _untrusted;

    public readonly MarkReport Report => new(_setPrice > 0 ? _setPrice : _lastTrade, _asOf, _marketWide, _untrusted);

    public static CommittedMark Of(IOrderBook book) => new()
    {
        _setPrice = book.Terms.MarkPrice, _lastTrade = book.LastTradePrice, _asOf = book.Sequence,
        _marketWide = book.Terms.MarketWideSequence, _untrusted = book.Terms.Index is { Tick.IsTrusted: false },
    };

    public void Apply(IReadOnlyList<JournalEntry> entries)
    {
        foreach (var entry in entries)
            foreach (ref readonly var e in entry.Events.AsSpan())
            {
                if (!EventKinds.ChangesState(e.Kind)) continue;
                _asOf = e.Sequence;
                switch (e.Kind)
                {
                    case EventKind.MarkPriceSet: _setPrice = e.Price; break;
                    case EventKind.TradeExecuted: _lastTrade = e.Price; break;
                    case EventKind.IndexPriceSet: _untrusted = e.IndexStatus == Pricing.IndexStatus.Stale || e.Price <= 0; break;
                }
                if (EventKinds.AudienceOf(e.Kind) == EventAudience.Market) _marketWide = e.Sequence;
            }
    }
}
