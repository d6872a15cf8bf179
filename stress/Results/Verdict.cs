namespace Exchange.Stress.Results;

/// <summary>
/// One line of the verdict table: what was checked, the figure observed, what it must be, and whether it holds. The
/// standard ones every run has: <c>acknowledged-orders-lost</c> (0), <c>money-difference</c> (0, the audit's
/// difference), <c>positions-net</c> (0 in every market), <c>unpaid-negative-equity</c> (0: negative equity not on the
/// bad-debt line), <c>adl-minimal</c> (ADL volume no more than the shortfall required); a scenario adds its own (e.g.
/// <c>breaker-tripped</c>, <c>other-markets-untouched</c>).
/// </summary>
public sealed record Verdict(string Name, string Observed, string Expected, bool Holds, string Detail);
