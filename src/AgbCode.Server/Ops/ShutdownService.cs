using AgbCode.Core.Sessions;
using AgbCode.Server.Config;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Ops;

/// <summary>
/// Graceful shutdown: when the host begins stopping, new sessions and runs are refused and runs in progress get the
/// grace period, then are cancelled; once they have ended, every session is released, which removes its sandboxes.
/// </summary>
public sealed class ShutdownService(IHostApplicationLifetime lifetime, ShutdownCoordinator coordinator, SessionRegistry registry,
    ICodeSpace space, ServerOptions options, ILogger<ShutdownService> logger) : IHostedService
{
    private CancellationTokenRegistration _onStopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _onStopping = lifetime.ApplicationStopping.Register(() =>
        {
            logger.LogInformation("Shutting down: no new sessions or runs; runs in progress have {GraceSec} s to finish", options.ShutdownGrace.TotalSeconds);
            coordinator.BeginShutdown(options.ShutdownGrace);
        });
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await coordinator.WaitForRunsAsync(options.ShutdownGrace + TimeSpan.FromSeconds(10));
        int sessions = registry.Count;
        await registry.ReleaseAllAsync("shutdown");
        if (space is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        logger.LogInformation("Shutdown complete: {Sessions} sessions and their sandboxes removed", sessions);
        await _onStopping.DisposeAsync();
    }
}
