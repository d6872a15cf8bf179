using Exchange.Client.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace Exchange.Tests.Gateway;

/// <summary>
/// The gateway repeats a GET whose read timed out (a request forwarded to a silo that died waits out its timeout) or was
/// refused delivery, and never repeats anything else: a POST that timed out may be running.
/// </summary>
public sealed class ReadRetryTests
{
    [Fact]
    public async Task A_read_that_timed_out_is_repeated_and_a_command_that_timed_out_is_not()
    {
        int reads = 0, commands = 0;
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        app.UseReadRetries();
        app.MapGet("/read", () => ++reads == 1 ? throw new TimeoutException("forwarded to a dead silo") : Results.Ok(reads));
        app.MapPost("/command", () => { commands++; throw new TimeoutException("may be running"); });
        await app.StartAsync();
        using var client = app.GetTestClient();

        var read = await client.GetAsync(new Uri("/read", UriKind.Relative));
        Assert.Equal(200, (int)read.StatusCode);
        Assert.Equal(2, reads);

        await Assert.ThrowsAsync<TimeoutException>(() => client.PostAsync(new Uri("/command", UriKind.Relative), null));
        Assert.Equal(1, commands);
    }
}
