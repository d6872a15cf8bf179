namespace Exchange.Stress;

/// <summary><c>dotnet run --project stress -- run SCENARIO</c>: the stress lab's command line (commands arrive with the runner).</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: stress run <scenario.json> [--target local|cluster|url] [--out DIR]");
        return 2;
    }
}
