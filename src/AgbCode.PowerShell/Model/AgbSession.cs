using System.Collections;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Model;

/// <summary>A session as PowerShell shows it. <see cref="SessionId"/> lets it bind to -Id / -SessionId by property name.</summary>
public sealed class AgbSession
{
    internal AgbSession(ICodeSession session, ICodeSpace space)
    {
        Inner = session;
        Space = space;
    }

    internal ICodeSession Inner { get; }
    internal ICodeSpace Space { get; }

    public string Id => Inner.Id;
    public string SessionId => Inner.Id;
    public string? Name => Inner.Name;
    public string Image => Inner.Image;
    public Hashtable Labels => new(Inner.Labels.ToDictionary(l => l.Key, l => l.Value), StringComparer.OrdinalIgnoreCase);
    public DateTimeOffset Created => Inner.CreatedAt;
    public string State => Inner.IsClosed ? "Removed" : Inner.Kernels.Any(k => k.State == KernelState.Busy) ? "Busy" : "Ready";
    public IReadOnlyList<KernelInfo> Kernels => Inner.Kernels;
    /// <summary>The languages whose kernels are running, e.g. "python, r".</summary>
    public string Languages => string.Join(", ", Inner.Kernels.Where(k => k.State != KernelState.Dead).Select(k => k.Language));
    public IsolationReport Isolation => Inner.Isolation;
    public SessionLimits Limits => Inner.Limits;
    /// <summary>"local", or the endpoint of a remote session.</summary>
    public string Location => Inner.Location;

    public override string ToString() => Id;
}
