using AgbCode.Core.Contexts;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// An engine and tenants of a test's own (contexts persist in the host's state folder): disposing removes the
/// engine's sessions, then every context of those tenants.
/// </summary>
public sealed class ContextScope : IAsyncDisposable
{
    private readonly List<string> _tenants = [];

    public ContextScope(Contexts.ContextLimits? limits = null) => Space = new LocalCodeSpace(contextLimits: limits);

    public LocalCodeSpace Space { get; }

    /// <summary>A tenant no other test uses.</summary>
    public string NewTenant()
    {
        string tenant = "test-tenant-" + Guid.NewGuid().ToString("N");
        _tenants.Add(tenant);
        return tenant;
    }

    public IContextStore Store(string tenant) => Space.ContextsOf(tenant);

    public async ValueTask DisposeAsync()
    {
        await Space.DisposeAsync();
        await using var cleaner = new LocalCodeSpace();
        foreach (string tenant in _tenants)
            foreach (ContextInfo context in await cleaner.ContextsOf(tenant).ListAsync())
                await cleaner.ContextsOf(tenant).DeleteAsync(context.Id);
    }
}
