[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace AgbCode.Server;

/// <summary>The self-hostable AgbCode server: the AGB API over the local engine (the API itself lands with its issue).</summary>
public static class Program
{
    public static async Task Main(string[] args)
    {
        WebApplication app = BuildApp(args);
        await app.RunAsync();
    }

    public static WebApplication BuildApp(string[] args)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(args);
        WebApplication app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        return app;
    }
}
