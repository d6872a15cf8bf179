using Exchange.Oracles;

namespace Exchange.Tests.Oracles;

public sealed class OracleOptionsTests
{
    [Fact]
    public void The_defaults_are_usable() => Assert.Empty(new OracleOptions().Problems());

    [Fact]
    public void Each_bad_setting_is_named()
    {
        Assert.Equal(["Exchange:Oracles:TickInterval must be positive"],
            new OracleOptions { TickInterval = TimeSpan.Zero, HeartbeatInterval = TimeSpan.FromSeconds(1) }.Problems());
        Assert.Equal(["Exchange:Oracles:HeartbeatInterval must be at least the tick interval"],
            new OracleOptions { HeartbeatInterval = TimeSpan.FromMilliseconds(249) }.Problems());
        Assert.Equal(["Exchange:Oracles:MaxFutureSkew may not be negative"],
            new OracleOptions { MaxFutureSkew = TimeSpan.FromMilliseconds(-1) }.Problems());
    }
}
