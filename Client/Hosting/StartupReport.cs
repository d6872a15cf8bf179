using Exchange.Client.Keys;
using Exchange.Client.Security;

namespace Exchange.Client.Hosting;

/// <summary>What an operator must know when the gateway starts: where it listens, the admin token if generated, what is not durable.</summary>
public static class StartupReport
{
    public static void PrintOnStart(this WebApplication app) => app.Lifetime.ApplicationStarted.Register(() =>
    {
        var token = app.Services.GetRequiredService<AdminToken>();
        var store = app.Services.GetRequiredService<IApiKeyStore>();
        var protector = app.Services.GetRequiredService<SecretProtector>();
        Console.WriteLine($"Gateway listening on {string.Join(", ", app.Urls)}  (API docs: /scalar, OpenAPI: /openapi/v1.json)");
        if (token.Generated) Console.WriteLine($"Admin token (generated for this run): {token.Value}");
        if (!store.IsDurable)
            Console.Error.WriteLine("WARNING: no ConnectionStrings:Exchange configured: accounts and API keys are kept IN MEMORY and lost on restart.");
        if (protector.KeyGenerated)
            Console.Error.WriteLine("WARNING: no Gateway:SecretKey configured: API keys issued now stop working when the gateway restarts.");
    });
}
