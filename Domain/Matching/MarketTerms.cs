namespace Exchange.Matching;

/// <summary>Who put a market into its mode: an operator, the circuit breaker, the oracle (stale or untrusted prices), or recovery.</summary>
public enum ModeActor : byte
{
    Operator,
    Breaker,
    Oracle,
    Recovery,
}

/// <summary>Why a mode change happened: who asked, and in their words (printable ASCII, at most <see cref="MaxReasonLength"/>).</summary>
[GenerateSerializer, Immutable, Alias("ModeCause")]
public readonly record struct ModeCause(ModeActor Actor, string? Reason = null)
{
    public const int MaxReasonLength = 200;

    public static ModeCause Operator { get; } = new(ModeActor.Operator);

    public bool IsValid =>
        Enum.IsDefined(Actor) && (Reason is null || (Reason.Length is > 0 and <= MaxReasonLength && Reason.All(c => c is >= ' ' and <= '~')));
}

/// <summary>
/// The parameters a market holds beside its orders, each changed only by a journaled command that takes a sequence
/// number: the mark price (0 until one is set), the risk parameters (fees and margin tiers), and the cause of the
/// current mode. Because they live in the book's state, replay and snapshots reproduce them and the state hash
/// covers them: a margin decision taken on a mark can always be traced to the command that set it.
/// </summary>
[GenerateSerializer, Immutable, Alias("MarketTerms")]
/// <param name="MarketWideSequence">The sequence of the latest market-wide event (a mode or risk change; 0: none yet):
/// every account's stream includes it, so an account that has not reached it is behind on its market's terms.</param>
/// <param name="Index">For a market that follows an index: what it holds of it (null otherwise, or before the first tick).</param>
/// <param name="Breaker">The price band and velocity rules in force (null: off; never <see cref="BreakerRules.Off"/>, so that
/// equal terms are equal records).</param>
/// <param name="Liquidation">How the market liquidates: its insurance fund, fee, slices and fund cap (null: no liquidation
/// rules yet, so no liquidation in this market).</param>
/// <param name="Funding">The last funding settled (null: none yet): each interval is settled once.</param>
/// <param name="OpenInterest">The caps on the market's open interest and on one account's position (null: none; never
/// <see cref="Risk.OpenInterestLimits.None"/>, so that equal terms are equal records).</param>
public sealed record MarketTerms(long MarkPrice, MarketRisk Risk, ModeCause ModeCause, long MarketWideSequence = 0, IndexState? Index = null,
    BreakerRules? Breaker = null, Risk.LiquidationRules? Liquidation = null, Risk.FundingSettled? Funding = null,
    Risk.OpenInterestLimits? OpenInterest = null)
{
    public static MarketTerms Initial(MarketSpec spec) =>
        new(0, spec.RiskTerms, ModeCause.Operator, Breaker: Normal(spec.Breaker), Liquidation: spec.Liquidation,
            OpenInterest: Exchange.Risk.OpenInterestLimits.Normal(spec.OpenInterest));

    /// <summary>The form terms hold breaker rules in: null when they are off.</summary>
    public static BreakerRules? Normal(BreakerRules? rules) => rules is null || rules.IsOff ? null : rules;

    /// <summary>The mark accounts value positions at: the set mark, else the last trade (0: neither exists yet).</summary>
    public long EffectiveMark(long lastTradePrice) => MarkPrice > 0 ? MarkPrice : lastTradePrice;

    /// <summary>The price band's reference: the index when the market follows one and its latest reading is trusted,
    /// else the last trade or uncross (0: neither yet, so no band). An operator's release uncrosses at it too.</summary>
    public long BreakerReference(long lastTradePrice) => Index is { Tick.IsTrusted: true } index ? index.Tick.IndexTicks : lastTradePrice;
}
