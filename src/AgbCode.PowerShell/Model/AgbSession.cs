using System.Collections;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Model;

/// <summary>A session as PowerShell shows it. <see cref="SessionId"/> lets it bind to -Id / -SessionId by property name.</summary>
public sealed class AgbSession
{
    private readonly ICodeSession? _inner;
    private readonly ICodeSpace? _space;

    internal AgbSession(ICodeSession session, ICodeSpace space)
    {
        _inner = session;
        _space = space;
    }

    private AgbSession(string reference) => Reference = reference;

    /// <summary>
    /// A session named by its id or name (-Session demo), to be looked up when the cmdlet runs (<see cref="Sessions.Resolve"/>).
    /// A lookup during parameter binding could only fail as ParameterArgumentTransformationError; PowerShell's own cmdlets
    /// report a -Name that names nothing from the cmdlet, as ObjectNotFound, and so does AgbCode (AgbSessionNotFound).
    /// </summary>
    internal static AgbSession Named(string idOrName) => new(idOrName);

    /// <summary>The id or name (wildcards allowed where the cmdlet takes several sessions) until looked up; null for a session.</summary>
    internal string? Reference { get; }

    internal ICodeSession Inner => _inner ?? throw NotLookedUp();
    internal ICodeSpace Space => _space ?? throw NotLookedUp();

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

    public override string ToString() => Reference ?? Id;

    private InvalidOperationException NotLookedUp() => new($"The session '{Reference}' was named but not looked up (a cmdlet resolves -Session first).");
}
