using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace AgbCode.Bench;

/// <summary>The AGB-compatible server on a free loopback port with one bench key, without console logging (it would be measured).</summary>
internal static class BenchServer
{
    public const string Key = "bench-key-0123456789abcdef";

    /// <param name="settings">More command-line settings, e.g. "--AGBCODE_SPARE_SESSIONS=0".</param>
    public static async Task<WebApplication> StartAsync(params string[] settings)
    {
        WebApplication app = AgbCode.Server.Program.BuildApp(
            ["--urls", "http://127.0.0.1:0", $"--AGBCODE_API_KEY={Key}", .. settings], builder => builder.Logging.ClearProviders());
        await app.StartAsync();
        return app;
    }
}
