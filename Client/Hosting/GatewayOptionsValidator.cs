using Microsoft.Extensions.Options;

namespace Exchange.Client.Hosting;

/// <summary>
/// Checks the "Gateway" section when the gateway starts (ValidateOnStart), naming every setting that is wrong and
/// why, so a bad configuration stops the process at once instead of failing requests later.
/// </summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options)
    {
        var errors = new List<string>();
        void Positive(TimeSpan value, string setting)
        {
            if (value <= TimeSpan.Zero) errors.Add($"Gateway:{setting} must be a positive duration (like 00:00:05), not {value}");
        }

        Positive(options.SignatureWindow, nameof(options.SignatureWindow));
        Positive(options.KeyCacheTime, nameof(options.KeyCacheTime));
        Positive(options.UnknownKeyCacheTime, nameof(options.UnknownKeyCacheTime));
        Positive(options.ReadinessCacheTime, nameof(options.ReadinessCacheTime));
        Positive(options.MarketRefreshInterval, nameof(options.MarketRefreshInterval));
        Positive(options.MarketDataRenewal, nameof(options.MarketDataRenewal));
        Positive(options.IndexPollInterval, nameof(options.IndexPollInterval));
        if (options.SignatureWindow > TimeSpan.FromMinutes(1))
            errors.Add($"Gateway:SignatureWindow is at most 00:01:00 (a longer window keeps replays possible longer), not {options.SignatureWindow}");
        if (options.MaxBodyBytes <= 0) errors.Add($"Gateway:MaxBodyBytes must be positive, not {options.MaxBodyBytes}");
        if (options.WebSocketOutboxBytes < 64 * 1024)
            errors.Add($"Gateway:WebSocketOutboxBytes must be at least 65536 (a book snapshot must fit), not {options.WebSocketOutboxBytes}");
        var admission = options.OrderAdmission;
        if (admission.InFlight <= 0) errors.Add($"Gateway:OrderAdmission:InFlight must be positive, not {admission.InFlight}");
        if (admission.Queue < 0) errors.Add($"Gateway:OrderAdmission:Queue cannot be negative, not {admission.Queue}");
        if (admission.MaxWait <= TimeSpan.Zero) errors.Add($"Gateway:OrderAdmission:MaxWait must be positive, not {admission.MaxWait}");
        if (options.MaxBatchOrders is <= 0 or > GatewayOptions.MaxBatchOrdersLimit)
            errors.Add($"Gateway:MaxBatchOrders must be from 1 to {GatewayOptions.MaxBatchOrdersLimit}, not {options.MaxBatchOrders}");
        if (options.WebSocketConnectionsPerAddress <= 0)
            errors.Add($"Gateway:WebSocketConnectionsPerAddress must be positive, not {options.WebSocketConnectionsPerAddress}");
        if (options.SecretKey is { Length: > 0 } key && GatewayServices.SecretKeyBytes(key) is null)
            errors.Add("Gateway:SecretKey must be base64 of exactly 32 bytes (e.g. head -c 32 /dev/urandom | base64)");
        if (options.AdminToken is { Length: > 0 and < 16 })
            errors.Add("Gateway:AdminToken must be at least 16 characters (e.g. openssl rand -hex 24)");
        if (options.StressReportDirectory is { Length: > 0 } report && !Directory.Exists(report))
            errors.Add($"Gateway:StressReportDirectory must be an existing directory (the report may be written into it later), not {report}");
        var limits = options.RateLimits;
        foreach (var (policy, bucket) in new[] { ("Orders", limits.Orders), ("Cancels", limits.Cancels), ("Queries", limits.Queries),
                     ("Public", limits.Public), ("Feeds", limits.Feeds), ("Authentication", limits.Authentication), ("WebSocketMessages", limits.WebSocketMessages) })
        {
            if (bucket.Burst <= 0) errors.Add($"Gateway:RateLimits:{policy}:Burst must be positive, not {bucket.Burst}");
            if (bucket.PerSecond <= 0) errors.Add($"Gateway:RateLimits:{policy}:PerSecond must be positive, not {bucket.PerSecond}");
            Positive(bucket.Period, $"RateLimits:{policy}:Period");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
