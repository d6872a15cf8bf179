namespace Exchange.Stress.Scenarios;

/// <summary>
/// A scenario file (<c>stress/scenarios/*.json</c>) as read: which markets exist and with which risk parameters, the
/// population and its behaviour, a price path per index, faults on a timeline, and the verdicts expected beyond the
/// standard ones. Times are seconds from the start of the path (the run's clock, after the population is built);
/// prices, sizes and money are exact decimals (JSON numbers or strings). <see cref="ScenarioReader"/> refuses a file
/// that is not one, naming the field.
/// </summary>
public sealed record Scenario(
    string Name,
    string Description,
    int Seed,
    double DurationSeconds,
    IReadOnlyList<MarketScenario> Markets,
    IReadOnlyList<PathScenario> Paths,
    Population Population,
    IReadOnlyList<FaultScenario> Faults,
    IReadOnlyList<ExpectedVerdict> Expect,
    string? TimeCompression = null,
    string? Size = null);

/// <summary>
/// A market the runner creates, following <see cref="Index"/>, with the risk parameters the scenario sets through the
/// admin API. <see cref="InsuranceFund"/> is what the market's insurance fund account is funded with.
/// </summary>
public sealed record MarketScenario(
    string Symbol,
    string Index,
    decimal TickSize,
    decimal LotSize,
    decimal MaxPrice,
    decimal MaxSize,
    IReadOnlyList<MarginTierScenario> MarginTiers,
    LiquidationScenario Liquidation,
    decimal InsuranceFund,
    OracleScenario Oracle,
    BreakerScenario? Breaker = null,
    IndexFollowingScenario? Following = null,
    int MakerFeeBps = 0,
    int TakerFeeBps = 5);

public sealed record MarginTierScenario(decimal NotionalFloor, int InitialBps, int MaintenanceBps);

/// <summary>The market's liquidation rules: fee to the fund, slice per book order, cooldown, the fund's loss cap.</summary>
public sealed record LiquidationScenario(int FeeBps, decimal SliceSize, long CooldownMs, int FundLossCapBps);

/// <summary>The index's policy and how many feeds publish the path (named sim-1, sim-2, ...).</summary>
public sealed record OracleScenario(int Feeds = 3, int MinFeeds = 2, long StaleAfterMs = 2_000, int MaxDeviationBps = 200);

/// <summary>
/// The circuit breaker's rules (0 switches a rule off) and, optionally, its pause policy in milliseconds (left out: the
/// venue's defaults, a 2-minute pause, 5 after a second trip within the hour, 1-minute extensions). A scenario that
/// compresses time (a crash of hours played in seconds) compresses the pause with it, or one trip outlasts the run.
/// </summary>
public sealed record BreakerScenario(int BandBps, int VelocityBps = 0, long VelocityWindowMs = 0,
    long? PauseMs = null, long? EscalatedPauseMs = null, long? ExtensionMs = null);

/// <summary>
/// How the market follows its index: the auction after the index is trusted again, the mark's band around the index,
/// and the cap on volatility scaling of margins (10000 = no scaling).
/// </summary>
public sealed record IndexFollowingScenario(long ReopenAfterMs = 2_000, long AuctionMs = 2_000, int MarkBandBps = 50,
    int ScalingCapBps = 10_000);

/// <summary>
/// An index's price path: generated from <see cref="Start"/> by <see cref="Segments"/>, or read from <see cref="Csv"/>
/// (a path relative to the scenario file) played <see cref="Speed"/> times faster than recorded. One point every
/// <see cref="StepMs"/> of the run's clock either way.
/// </summary>
public sealed record PathScenario(
    string Index,
    decimal? Start = null,
    IReadOnlyList<PathSegment>? Segments = null,
    string? Csv = null,
    string? TimeColumn = null,
    string? PriceColumn = null,
    double Speed = 1,
    long StepMs = 250);

/// <summary>
/// One piece of a generated path. <c>hold</c> keeps the price for <see cref="Seconds"/>; <c>move</c> goes by
/// <see cref="Percent"/> in a straight line over <see cref="Seconds"/>; <c>gap</c> jumps by <see cref="Percent"/> at once;
/// <c>v</c> goes by <see cref="Percent"/> over half of <see cref="Seconds"/> and back to where it started over the other half.
/// </summary>
public sealed record PathSegment(string Kind, double Seconds = 0, decimal Percent = 0);

/// <summary>
/// Who trades. <see cref="Makers"/> quote every market; <see cref="Positions"/> are groups of leveraged accounts, each
/// given its position against the group's counterparties before the path starts; <see cref="Traders"/> send order flow.
/// </summary>
public sealed record Population(MakerScenario Makers, IReadOnlyList<PositionGroup> Positions, TraderScenario Traders);

/// <summary>
/// Market makers per market: <see cref="Levels"/> quotes a side, the first <see cref="HalfSpreadBps"/> from the index,
/// then every <see cref="LevelSpacingBps"/>, each worth <see cref="LevelNotional"/> (in the settlement asset, turned into
/// lots at the price), requoted every <see cref="RefreshMs"/>.
/// </summary>
public sealed record MakerScenario(
    int AccountsPerMarket,
    decimal Collateral,
    int Levels,
    int HalfSpreadBps,
    int LevelSpacingBps,
    decimal LevelNotional,
    long RefreshMs,
    MakerWithdrawal Withdrawal);

/// <summary>
/// How makers react to volatility, measured as the index's largest move within <see cref="WindowMs"/>: beyond
/// <see cref="WidenAtBps"/> they widen their spread by <see cref="WidenFactor"/> and quote <see cref="DepthFactorWhenWide"/>
/// of their size; beyond <see cref="WithdrawAtBps"/> they cancel everything and stay out until the move has been below
/// it for <see cref="ReturnAfterMs"/>.
/// </summary>
public sealed record MakerWithdrawal(long WindowMs, int WidenAtBps, int WithdrawAtBps, decimal WidenFactor = 2,
    decimal DepthFactorWhenWide = 0.5m, long ReturnAfterMs = 3_000);

/// <summary>
/// <see cref="Accounts"/> accounts in <see cref="Market"/> with <see cref="Collateral"/> each, holding a position of
/// leverage drawn evenly from [<see cref="LeverageMin"/>, <see cref="LeverageMax"/>] (notional over collateral at the
/// start price), on <see cref="Side"/> (<c>long</c>, <c>short</c>, or <c>both</c>: alternately). The other side is held
/// by <see cref="Counterparties"/> accounts with <see cref="CounterpartyCollateral"/> each.
/// </summary>
public sealed record PositionGroup(
    string Market,
    int Accounts,
    decimal Collateral,
    decimal LeverageMin,
    decimal LeverageMax,
    string Side,
    int Counterparties,
    decimal CounterpartyCollateral);

/// <summary>
/// Traders sending orders to every market, each at <see cref="OrdersPerSecond"/>: limit orders up to
/// <see cref="SpreadBps"/> around the mark, <see cref="CrossPercent"/> of them immediate-or-cancel through it, and
/// cancels of their resting orders in <see cref="CancelPercent"/> of their turns; each order worth about
/// <see cref="OrderNotional"/> (at least a lot).
/// </summary>
public sealed record TraderScenario(int Accounts, decimal Collateral, double OrdersPerSecond, int CancelPercent, int CrossPercent,
    int SpreadBps, decimal OrderNotional);

/// <summary>
/// A fault at <see cref="At"/> seconds, lasting <see cref="Seconds"/> where that applies. Kinds: <c>feed-lies</c>
/// (<see cref="Feeds"/> feeds of <see cref="Index"/> publish the path moved by <see cref="Percent"/>), <c>feeds-freeze</c>
/// (<see cref="Feeds"/> feeds of <see cref="Index"/>, all when 0, stop publishing), <c>makers-cancel-all</c> (every maker
/// cancels everything and stays out), <c>order-burst</c> (traders send <see cref="Factor"/> times their rate),
/// <c>silo-kill</c>, <c>silo-freeze</c> (the silo hosting <see cref="Market"/>, any when null) and <c>database-stop</c>.
/// </summary>
public sealed record FaultScenario(
    string Kind,
    double At,
    double Seconds = 0,
    string? Index = null,
    int Feeds = 0,
    decimal Percent = 0,
    double Factor = 0,
    string? Market = null);

/// <summary>
/// A verdict the scenario expects beyond the standard ones (see <see cref="Running.Verdicts"/> for the kinds and
/// what each reads: <see cref="Market"/>, <see cref="Markets"/>, <see cref="Index"/>, <see cref="Min"/>, <see cref="Max"/>).
/// </summary>
public sealed record ExpectedVerdict(
    string Name,
    string? Market = null,
    IReadOnlyList<string>? Markets = null,
    string? Index = null,
    decimal? Min = null,
    decimal? Max = null);
