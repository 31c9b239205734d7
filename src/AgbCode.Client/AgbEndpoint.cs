using AgbCode.Core.Errors;


namespace AgbCode.Client;

/// <summary>
/// Where the AGB API lives: an explicit endpoint, else $env:AGB_ENDPOINT. As in the AGB SDKs, an endpoint without a
/// scheme means https; <c>unix:///path</c> names the local engine service's socket.
/// </summary>
public static class AgbEndpoint
{
    public const string EndpointVariable = "AGB_ENDPOINT";
    public const string ApiKeyVariable = "AGB_API_KEY";

    /// <summary>The endpoint to use, or null when neither the parameter nor the environment names one (local engine).</summary>
    public static Uri? Resolve(string? endpoint, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        string? raw = string.IsNullOrWhiteSpace(endpoint) ? environment(EndpointVariable) : endpoint;
        if (string.IsNullOrWhiteSpace(raw))
            return null;
        raw = raw.Trim();
        if (raw.StartsWith(Http.UnixSocketTransport.Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            if (!Uri.TryCreate(raw, UriKind.Absolute, out Uri? socket))
                throw new AgbException(AgbErrorKind.BadInput, RemoteErrors.InvalidEndpoint, $"'{raw}' is not a valid socket endpoint.",
                    "Pass unix:// followed by the socket's absolute path, e.g. unix:///run/agbcode/engine.sock.");
            Http.UnixSocketTransport.SocketPath(socket);   // refuses a host or a relative path
            return socket;
        }
        if (!raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) && !raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            raw = "https://" + raw;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out Uri? uri) || string.IsNullOrEmpty(uri.Host))
            throw new AgbException(AgbErrorKind.BadInput, RemoteErrors.InvalidEndpoint, $"'{raw}' is not a valid endpoint URL.",
                "Pass an endpoint such as https://agb.example.com or http://127.0.0.1:8080.");
        return uri;
    }
}
