using Microsoft.Extensions.FileProviders;

namespace Exchange.Client.Hosting;

/// <summary>
/// The status page at <c>/</c>: static files from the <c>wwwroot</c> folder beside the gateway's assembly (copied there
/// at build), so that it is served the same whether the gateway runs on its own or inside a test host.
/// </summary>
public static class StatusPage
{
    public static WebApplication UseStatusPage(this WebApplication app)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!Directory.Exists(root)) throw new InvalidOperationException($"the status page's files are missing: no {root}");
        var files = new PhysicalFileProvider(root);
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        return app;
    }
}
