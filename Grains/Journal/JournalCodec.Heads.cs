namespace Exchange.Journal;

/// <summary>
/// The account heads a snapshot keeps (<see cref="AccountHeadsState"/>), in their own payload beside the book's:
/// <c>version, 'H', completeFrom, lastMarketWide, lastAccountChanging, marketWideCompleteAfter, count, (account delta,
/// head)*, event count, event*</c>, accounts ascending as deltas, heads and the market-wide events as the journal writes
/// them (sequences as deltas, timestamps from zero).
/// </summary>
public static partial class JournalCodec
{
    private const byte HeadsKind = (byte)'H';
    private const int MinHeadBytes = 2; // account delta, head

    public static byte[] EncodeAccountHeads(AccountHeadsState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Accounts.Length != state.Heads.Length) throw new ArgumentException("one head per account", nameof(state));
        var accounts = state.Accounts.ToArray();
        var heads = state.Heads.ToArray();
        Array.Sort(accounts, heads);
        var w = new VarintWriter(64 + accounts.Length * 8 + state.MarketWide.Length * 24);
        try
        {
            w.WriteByte(FormatVersion);
            w.WriteByte(HeadsKind);
            w.WriteVarInt64(state.CompleteFrom);
            w.WriteVarInt64(state.LastMarketWide);
            w.WriteVarInt64(state.LastAccountChanging);
            w.WriteVarInt64(state.MarketWideCompleteAfter);
            w.WriteVarUInt64((ulong)accounts.Length);
            long previousAccount = 0;
            for (var i = 0; i < accounts.Length; i++)
            {
                if (i > 0 && accounts[i] == previousAccount) throw new ArgumentException($"account {accounts[i]} twice", nameof(state));
                w.WriteVarInt64(unchecked(accounts[i] - previousAccount));
                previousAccount = accounts[i];
                w.WriteVarInt64(heads[i]);
            }
            w.WriteVarUInt64((ulong)state.MarketWide.Length);
            long previousSequence = 0;
            foreach (ref readonly var e in state.MarketWide.AsSpan()) WriteEvent(ref w, in e, FormatVersion, 0, ref previousSequence);
            return w.ToArray();
        }
        finally
        {
            w.Dispose();
        }
    }

    public static AccountHeadsState DecodeAccountHeads(ReadOnlySpan<byte> payload)
    {
        var r = new VarintReader(payload);
        var version = ReadHeader(ref r, HeadsKind);
        var completeFrom = r.ReadVarInt64();
        var lastMarketWide = r.ReadVarInt64();
        var lastAccountChanging = r.ReadVarInt64();
        var marketWideCompleteAfter = r.ReadVarInt64();
        var count = r.ReadCount(MinHeadBytes);
        var accounts = new long[count];
        var heads = new long[count];
        long account = 0;
        for (var i = 0; i < count; i++)
        {
            account = unchecked(account + r.ReadVarInt64());
            accounts[i] = account;
            heads[i] = r.ReadVarInt64();
        }
        var eventCount = r.ReadCount(MinEventBytes);
        var marketWide = new Matching.MarketEvent[eventCount];
        long previousSequence = 0;
        for (var i = 0; i < eventCount; i++) marketWide[i] = ReadEvent(ref r, version, 0, ref previousSequence);
        r.EnsureEnd();
        return new AccountHeadsState(completeFrom, accounts, heads, lastMarketWide, lastAccountChanging, marketWideCompleteAfter, marketWide);
    }
}
