using AgbCode.Core.Sessions;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Sessions;

/// <summary>A session as the server knows it: whose it is, its engine session, and the access token of its link and stream routes.</summary>
public sealed class HostedSession
{
    private readonly byte[] _tokenHash;
    private volatile IReadOnlyDictionary<string, string> _labels;

    public HostedSession(string id, string tenant, string imageId, ICodeSession engine, TimeSpan idleTimeout)
    {
        Id = id;
        Tenant = tenant;
        ImageId = imageId;
        Engine = engine;
        IdleTimeout = idleTimeout;
        AccessToken = Secrets.NewToken();
        _tokenHash = Secrets.Sha256(AccessToken);
        _labels = new Dictionary<string, string>(engine.Labels, StringComparer.Ordinal);
    }

    public string Id { get; }
    public string Tenant { get; }
    public string ImageId { get; }
    public ICodeSession Engine { get; }
    public TimeSpan IdleTimeout { get; }
    /// <summary>Handed to the session's creator (and to GetSession) for the linkUrl and wsUrl routes.</summary>
    public string AccessToken { get; }
    /// <summary>The labels given at creation, then as the last SetLabel replaced them (never changed in place).</summary>
    public IReadOnlyDictionary<string, string> Labels => _labels;
    public DateTimeOffset CreatedAt => Engine.CreatedAt;
    /// <summary>The contexts mounted at creation and the SyncContext calls made on them.</summary>
    public Contexts.SessionContexts Contexts { get; } = new();
    /// <summary>False once the session was deleted or released for idleness.</summary>
    public bool IsAlive => !Engine.IsClosed;

    /// <summary>SetLabel: the new labels replace the old ones as a whole, as on the AGB cloud.</summary>
    public void ReplaceLabels(IReadOnlyDictionary<string, string> labels) => _labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);

    public bool AcceptsToken(string? token) => token is not null && Secrets.Matches(token, _tokenHash);
}
