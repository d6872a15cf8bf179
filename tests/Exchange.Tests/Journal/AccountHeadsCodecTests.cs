using CsCheck;
using Exchange.Journal;
using Exchange.Matching;

namespace Exchange.Tests.Journal;

/// <summary>The account heads a snapshot keeps: they come back exactly, accounts ascending, in the documented layout.</summary>
public sealed class AccountHeadsCodecTests
{
    private static readonly Gen<AccountHeadsState> State =
        Gen.Select(Gen.Select(Gen.Long, Gen.Long).Array[0, 200], JournalGen.Event.Array[0, 20], Gen.Long.Array[4],
            (pairs, marketWide, scalars) =>
            {
                var heads = pairs.DistinctBy(p => p.Item1).ToArray();
                return new AccountHeadsState(scalars[0], [.. heads.Select(p => p.Item1)], [.. heads.Select(p => p.Item2)], scalars[1],
                    scalars[2], scalars[3], marketWide);
            });

    [Fact]
    public void Heads_round_trip_with_the_accounts_ascending() =>
        State.Sample(state =>
        {
            var decoded = JournalCodec.DecodeAccountHeads(JournalCodec.EncodeAccountHeads(state));
            Assert.Equal(state.Accounts.Order(), decoded.Accounts);
            Assert.Equal(
                state.Accounts.Zip(state.Heads).OrderBy(p => p.First),
                decoded.Accounts.Zip(decoded.Heads));
            Assert.Equal((state.CompleteFrom, state.LastMarketWide, state.LastAccountChanging, state.MarketWideCompleteAfter),
                (decoded.CompleteFrom, decoded.LastMarketWide, decoded.LastAccountChanging, decoded.MarketWideCompleteAfter));
            Assert.Equal(state.MarketWide, decoded.MarketWide);
        }, iter: 1_000);

    [Fact]
    public void Heads_have_the_documented_layout()
    {
        var state = new AccountHeadsState(CompleteFrom: 0, Accounts: [7, 3], Heads: [10, 5], LastMarketWide: 4, LastAccountChanging: 0,
            MarketWideCompleteAfter: 0, MarketWide: []);

        // version 5, 'H', completeFrom 0, lastMarketWide 4 (zigzag 8), lastAccountChanging 0, marketWideCompleteAfter 0,
        // two accounts: 3 (zigzag 6) with head 5 (zigzag 10), then +4 (zigzag 8) with head 10 (zigzag 20), no events.
        Assert.Equal("05480008000002060A081400", Convert.ToHexString(JournalCodec.EncodeAccountHeads(state)));
    }

    [Fact]
    public void Anything_but_a_complete_payload_of_heads_is_refused()
    {
        var bytes = Convert.FromHexString("05480008000002060A081400");
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeAccountHeads(bytes.AsSpan(0, bytes.Length - 1)));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeAccountHeads([.. bytes, 0]));
        Assert.Throws<JournalFormatException>(() => JournalCodec.DecodeAccountHeads(Convert.FromHexString("0553")));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeAccountHeads(new AccountHeadsState(0, [1, 1], [2, 3], 0, 0, 0, [])));
        Assert.ThrowsAny<ArgumentException>(() => JournalCodec.EncodeAccountHeads(new AccountHeadsState(0, [1], [], 0, 0, 0, [])));
    }
}
