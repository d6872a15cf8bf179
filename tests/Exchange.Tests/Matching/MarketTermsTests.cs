using Exchange.Matching;

namespace Exchange.Tests.Matching;

/// <summary>
/// The terms beside the orders (mark, risk parameters, the cause of the mode) are book state: each change takes a
/// sequence number, a refused one changes nothing, the state hash covers them, and a captured book keeps them.
/// </summary>
public sealed class MarketTermsTests
{
    private static readonly MarketRisk Cheaper = MarketRisk.Default with { MakerFeeBps = 0, TakerFeeBps = 3 };

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Each_change_takes_a_sequence_and_is_held_by_the_book(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Assert.Equal(MarketTerms.Initial(BookDriver.DefaultSpec), d.Book.Terms);

        var marked = d.SetMark(500);
        Assert.Equal([MarketEvent.MarkSet(1, d.Now, 500, 0)], marked);
        var repriced = d.SetRisk(Cheaper);
        Assert.Equal([MarketEvent.RiskSet(2, d.Now, Cheaper)], repriced);
        var halt = new ModeCause(ModeActor.Breaker, "velocity: 5% in 10 s");
        var halted = d.SetMode(MarketMode.Halted, halt);
        Assert.Equal([MarketEvent.ModeSwitched(3, d.Now, MarketMode.Halted, MarketMode.Open, halt)], halted);

        Assert.Equal(new MarketTerms(500, Cheaper, halt, MarketWideSequence: 3), d.Book.Terms);
        Assert.Equal(3, d.Book.Sequence);
        Assert.Equal(500, d.Book.Terms.EffectiveMark(d.Book.LastTradePrice));
        d.SetMark(0); // cleared: the last trade price serves again
        Assert.Equal(0, d.Book.Terms.EffectiveMark(d.Book.LastTradePrice));
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void The_state_hash_covers_mark_risk_and_the_modes_cause(BookFactory factory)
    {
        IOrderBook Book(Action<BookDriver> change)
        {
            var d = new BookDriver(factory);
            d.Buy(1, 99, 5);
            change(d);
            return d.Book;
        }
        var hashes = new[]
        {
            Book(d => d.SetMode(MarketMode.PostOnly)),
            Book(d => d.SetMode(MarketMode.PostOnly, new ModeCause(ModeActor.Oracle))),
            Book(d => d.SetMode(MarketMode.PostOnly, new ModeCause(ModeActor.Operator, "maintenance"))),
            Book(d => { d.SetMode(MarketMode.PostOnly); d.SetMark(0); }),      // refused: nothing changes...
            Book(d => { d.SetMode(MarketMode.PostOnly); d.SetMark(100); }),
            Book(d => { d.SetMode(MarketMode.PostOnly); d.SetMark(101); }),
            Book(d => { d.SetMode(MarketMode.PostOnly); d.SetRisk(Cheaper); }),
        }.Select(b => b.StateHash()).ToArray();
        Assert.Equal(hashes[0], hashes[3]); // ...so it hashes as the book without it
        Assert.Equal(6, hashes.Distinct().Count());
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void A_captured_book_keeps_its_terms(BookFactory factory)
    {
        var d = new BookDriver(factory);
        d.SetMark(321);
        d.SetRisk(Cheaper);
        d.SetMode(MarketMode.CancelOnly, new ModeCause(ModeActor.Recovery, "journal unreachable"));
        var rebuilt = (IOrderBook)Activator.CreateInstance(d.Book.GetType(), BookDriver.DefaultSpec, d.Book.Capture())!;
        Assert.Equal(d.Book.Terms, rebuilt.Terms);
        Assert.Equal(d.Book.StateHash(), rebuilt.StateHash());
    }

    [Theory, MemberData(nameof(BookFactories.All), MemberType = typeof(BookFactories))]
    public void Bad_terms_are_refused_with_their_own_reasons(BookFactory factory)
    {
        var d = new BookDriver(factory);
        Expect.Rejection(d.SetMark(-1), RejectReason.InvalidPrice);
        Expect.Rejection(d.SetMark(1_001), RejectReason.InvalidPrice);
        Expect.Rejection(d.SetRisk(MarketRisk.Default), RejectReason.NoChange);
        Expect.Rejection(d.SetRisk(MarketRisk.Default with { Tiers = [new MarginTier(0, 100, 200)] }), RejectReason.InvalidRisk);
        Expect.Rejection(d.SetMode(MarketMode.Halted, new ModeCause((ModeActor)9)), RejectReason.InvalidReason);
        Expect.Rejection(d.SetMode(MarketMode.Halted, new ModeCause(ModeActor.Operator, new string('x', ModeCause.MaxReasonLength + 1))), RejectReason.InvalidReason);
        Expect.Rejection(d.SetMode(MarketMode.Halted, new ModeCause(ModeActor.Operator, "tab\there")), RejectReason.InvalidReason);
        Assert.Equal(0, d.Book.Sequence);
        Assert.Equal(MarketTerms.Initial(BookDriver.DefaultSpec), d.Book.Terms);
    }
}
