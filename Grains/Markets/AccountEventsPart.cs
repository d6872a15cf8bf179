using Exchange.Matching;

namespace Exchange.Markets;

/// <summary>One account's events from one batch, following its event at <see cref="Previous"/>.</summary>
internal readonly record struct AccountEventsPart(long Previous, MarketEvent[] Events);
