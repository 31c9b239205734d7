using Microsoft.AspNetCore.Hosting.Server;

namespace AgbCode.Server.Config;

/// <summary>
/// Once Kestrel has bound, refuses to go on when session URLs would have no trustworthy base: a bind other than loopback
/// with neither AGBCODE_PUBLIC_URL nor AGBCODE_TRUSTED_PROXIES. (Before, the URLs fell back to the client's Host header.)
/// </summary>
public sealed class PublicUrlCheck(ServerOptions options, IServer server) : IHostedLifecycleService
{
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        if (options.PublicUrl is not null || options.TrustedProxies.Count > 0)
            return Task.CompletedTask;
        Uri? exposed = PublicUrls.BoundAddresses(server).FirstOrDefault(address => !PublicUrls.IsLoopback(address));
        if (exposed is not null)
            throw new ConfigurationError(
                $"This server listens on {exposed.GetLeftPart(UriPartial.Authority)}, which is not loopback, and AGBCODE_PUBLIC_URL is not set. " +
                "Set AGBCODE_PUBLIC_URL to the URL clients reach this server at (e.g. https://agb.example.com): session linkUrl/wsUrl are built " +
                "from it, never from a client's Host header. Behind a reverse proxy that sets X-Forwarded-Host, you may set " +
                "AGBCODE_TRUSTED_PROXIES to its IP addresses instead.");
        return Task.CompletedTask;
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
