using Microsoft.Extensions.FileProviders;

namespace Exchange.Client.Hosting;

/// <summary>
/// The status page at <c>/</c>: static files from the <c>wwwroot</c> folder beside the gateway's assembly (copied there
/// at build), so that it is served the same whether the gateway runs on its own or inside a test host. When
/// <see cref="GatewayOptions.StressReportDirectory"/> is set, that directory's files under <c>/stress/</c> too: read
/// only (GET and HEAD of files; the file provider refuses any path outside the directory and hidden files), never
/// cached (a new run overwrites the report in place), and with a policy that lets nothing in it run a script or load
/// from elsewhere. The page shows its link once <c>/stress/</c> answers.
/// </summary>
public static class StatusPage
{
    public const string StressPath = "/stress";

    public static WebApplication UseStatusPage(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root)) throw new InvalidOperationException($"the status page's files are missing: no {root}");
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });

        // Read from configuration, not the validated options, so that a bad setting still stops the gateway at start
        // with the validator's message (one naming a directory that does not exist among them).
        var directory = app.Configuration[$"{GatewayOptions.Section}:{nameof(GatewayOptions.StressReportDirectory)}"];
        if (!string.IsNullOrEmpty(directory) && Directory.Exists(directory))
        {
            var report = new PhysicalFileProvider(Path.GetFullPath(directory));
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = report, RequestPath = StressPath });
            app.UseStaticFiles(new StaticFileOptions
            {
                FileProvider = report,
                RequestPath = StressPath,
                OnPrepareResponse = context =>
                {
                    var headers = context.Context.Response.Headers;
                    headers.CacheControl = "no-cache";
                    // The report runs no script and loads nothing: whatever lands in the directory cannot either.
                    headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'";
                    headers.XContentTypeOptions = "nosniff";
                },
            });
        }
        return app;
    }
}
