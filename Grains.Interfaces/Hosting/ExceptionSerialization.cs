using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace Exchange.Hosting;

public static class ExceptionSerialization
{
    /// <summary>
    /// Lets Orleans carry the exchange's and Npgsql's exceptions across the wire (it carries only System and
    /// Microsoft ones by default); without it a caller gets a codec error instead of the reason. Silo and client.
    /// </summary>
    public static IServiceCollection AddExchangeExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o =>
        {
            o.SupportedNamespacePrefixes.Add("Exchange");
            o.SupportedNamespacePrefixes.Add("Npgsql");
        });
}
