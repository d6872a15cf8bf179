using Exchange.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Exchange.Tests.Hosting;

/// <summary>A silo with a bad market or account setting refuses to start, naming the setting.</summary>
public sealed class OptionsValidationTests
{
    private static void Start(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => KeyValuePair.Create(s.Key, (string?)s.Value))).Build();
        using var provider = new ServiceCollection().AddSingleton<IConfiguration>(configuration)
            .AddExchangeGrainServices(postgres: null).BuildServiceProvider();
        provider.GetRequiredService<IStartupValidator>().Validate(); // what the host runs when it starts
    }

    [Fact]
    public void The_defaults_start() => Start();

    [Theory]
    [InlineData("Exchange:Markets:RecoveryTimeout", "00:00:30", "RecoveryTimeout must be positive and below the 30 s call timeout")]
    [InlineData("Exchange:Markets:AppendTimeout", "00:00:00", "AppendTimeout must be positive")]
    [InlineData("Exchange:Markets:SnapshotEveryEvents", "0", "SnapshotEveryEvents must be at least 1")]
    [InlineData("Exchange:Accounts:MarkMaxAge", "-00:00:01", "MarkMaxAge must be positive")]
    [InlineData("Exchange:Accounts:StoreTimeout", "00:01:00", "StoreTimeout must be below the 30 s call timeout")]
    public void A_bad_setting_stops_the_start_and_says_which(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Start((key, value)));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
