namespace AgbCode.Core.Sessions;

/// <summary>Which protections a session really has. Anything weaker than the full sandbox is listed, with why.</summary>
public sealed record IsolationReport(IsolationMode Mode, IReadOnlyList<Protection> Protections)
{
    /// <summary>Which backend holds the session: the in-process engine (as which user), the local engine service, or an endpoint.</summary>
    public string Backend { get; init; } = "";
    /// <summary>What the session's code may reach on the network; null when it has none (the default).</summary>
    public NetworkAccess? Network { get; init; }

    public bool IsFull => Mode == IsolationMode.Sandbox && Protections.All(p => p.Enforced);

    public IEnumerable<Protection> Weaknesses => Protections.Where(p => !p.Enforced);

    public override string ToString() =>
        (Mode == IsolationMode.None ? "none (trusted code only)"
        : IsFull ? "sandbox"
        : $"sandbox, weaker: {string.Join("; ", Weaknesses.Select(w => w.Name))}")
        + (Network is null ? "" : $"; network open to {string.Join(", ", Network.Open)}");
}

/// <summary>One protection: whether it holds for this session and how (or why not).</summary>
public sealed record Protection(string Name, bool Enforced, string Detail)
{
    public override string ToString() => $"{Name}: {(Enforced ? "yes" : "NO")} ({Detail})";
}

/// <summary>
/// A session's network: exactly what is open (each allow-list entry, with the addresses a name resolved to), the
/// user-mode stack that carries it, and where the allow-list is enforced.
/// </summary>
public sealed record NetworkAccess(IReadOnlyList<string> Open, string Stack, string Enforcement)
{
    public override string ToString() => $"{string.Join(", ", Open)} (via {Stack}; {Enforcement})";
}
