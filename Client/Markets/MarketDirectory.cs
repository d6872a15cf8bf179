using System.Collections.Concurrent;
using Exchange.Client.Errors;
using Exchange.Client.Hosting;
using Exchange.Markets;
using Exchange.Matching;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Markets;

/// <summary>
/// The markets' specs, cached: every request needs its market's tick and lot size to read numbers. A symbol that is
/// not cached re-reads the registry at most once per refresh interval, so random symbols in hostile requests never
/// reach a market grain (and never activate one).
/// </summary>
public sealed class MarketDirectory(IClusterClient cluster, TimeProvider clock, IOptions<GatewayOptions> options)
{
    public const int MaxSymbolLength = 32;
    private readonly ConcurrentDictionary<string, MarketSpec> _specs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IMarketGrain> _grains = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private Task? _refreshing;
    private readonly TimeSpan _refreshInterval = options.Value.MarketRefreshInterval;
    private DateTimeOffset _lastRefresh = DateTimeOffset.MinValue;

    private IMarketRegistryGrain Registry => cluster.GetGrain<IMarketRegistryGrain>(0);

    /// <summary>The market's spec, or an UNKNOWN_MARKET error.</summary>
    public async Task<MarketSpec> Get(string? symbol)
    {
        if (symbol is null || !IsWellFormed(symbol)) throw new ApiException(ApiError.UnknownMarket(symbol ?? ""));
        if (_specs.TryGetValue(symbol, out var spec)) return spec;
        await Refresh(force: false);
        return _specs.TryGetValue(symbol, out spec) ? spec : throw new ApiException(ApiError.UnknownMarket(symbol));
    }

    /// <summary>The spec of a market the grains named (trusted, so not checked for shape), or null if unknown.</summary>
    public async Task<MarketSpec?> Known(string symbol)
    {
        if (_specs.TryGetValue(symbol, out var spec)) return spec;
        await Refresh(force: true);
        return _specs.GetValueOrDefault(symbol);
    }

    /// <summary>Every market, freshly read from the registry.</summary>
    public async Task<MarketSpec[]> All()
    {
        await Refresh(force: true);
        return [.. _specs.Values.OrderBy(s => s.Symbol, StringComparer.Ordinal)];
    }

    /// <summary>Every market, re-reading the registry at most once per refresh interval (for lookups anyone can cause).</summary>
    public async Task<MarketSpec[]> Recent()
    {
        await Refresh(force: false);
        return [.. _specs.Values.OrderBy(s => s.Symbol, StringComparer.Ordinal)];
    }

    /// <summary>The given market, or every market when no symbol is given.</summary>
    public async Task<MarketSpec[]> OneOrAll(string? symbol) => symbol is null ? await All() : [await Get(symbol)];

    public void Remember(MarketSpec spec) => _specs[spec.Symbol] = spec;

    /// <summary>The market's grain reference, made once: GetGrain resolves the interface and builds a proxy on every call.</summary>
    public IMarketGrain Market(MarketSpec spec) => _grains.GetOrAdd(spec.Symbol, static (symbol, c) => c.GetGrain<IMarketGrain>(symbol), cluster);

    public static bool IsWellFormed(string symbol) =>
        symbol.Length is > 0 and <= MaxSymbolLength && symbol.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c == '-')
        && symbol[0] != '-' && symbol[^1] != '-';

    /// <summary>Re-reads the registry; concurrent callers share one read.</summary>
    private Task Refresh(bool force)
    {
        lock (_lock)
        {
            if (_refreshing is { IsCompleted: false } running) return running;
            if (!force && clock.GetUtcNow() - _lastRefresh < _refreshInterval) return Task.CompletedTask;
            return _refreshing = Load();
        }
    }

    private async Task Load()
    {
        await Task.Yield();
        foreach (var spec in await Registry.ListMarkets()) _specs[spec.Symbol] = spec;
        _lastRefresh = clock.GetUtcNow();
    }
}
