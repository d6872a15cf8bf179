using Exchange.Client.Hosting;

// The gateway: an ASP.NET service that is an Orleans client. It connects to the cluster named in configuration
// (localhost clustering by default), keeps API keys in PostgreSQL when ConnectionStrings:Exchange is set, and prints
// the admin token at start-up when none is configured.
var builder = WebApplication.CreateBuilder(args);
builder.AddExchangeOrleansClient();
builder.Services.AddGateway(builder.Configuration);

var app = builder.Build();
app.UseGateway();
app.PrintOnStart();
app.Run();

/// <summary>The entry point, visible to tests.</summary>
public partial class Program;
