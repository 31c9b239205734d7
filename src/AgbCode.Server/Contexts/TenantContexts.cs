using AgbCode.Core.Contexts;

namespace AgbCode.Server.Contexts;

/// <summary>The engine's context stores, one per tenant: a tenant's calls see its own contexts and nobody else's.</summary>
public sealed class TenantContexts(Func<string, IContextStore> storeOf)
{
    public IContextStore Of(string tenant) => storeOf(tenant);
}
