namespace Exchange.Hosting;

/// <summary>
/// How long a caller waits for a call that is harmless to repeat and worth little late (the
/// <see cref="ResponseTimeoutAttribute"/> of reads and of feed prices): 5 s instead of Orleans' 30. A request a gateway
/// forwarded to a silo that then died, or one sent through a gateway silo that died, is not rejected: it waits out its
/// timeout (dotnet/orleans#10165), so after a silo kill readers and price feeds stalled for half a minute while the grain,
/// reactivated elsewhere within seconds, was already answering. A read is repeated by the gateway; a feed price repeated
/// is refused as not newer, and the next one is news anyway. Commands keep the long wait: one that timed out may still run.
/// </summary>
public static class ShortWait
{
    public const string Timeout = "00:00:05";
}
