using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AgbCode.Server.Api;
using AgbCode.Server.Auth;
using AgbCode.Server.Config;

namespace AgbCode.Server.Contexts;

/// <summary>What a signed context-file URL lets its holder do: one method on one file of one tenant's context, until it expires.</summary>
public sealed record SignedFileGrant(string Method, string Tenant, string ContextId, string Path, DateTimeOffset Expires);

/// <summary>
/// Signs and checks the short-lived URLs of context files (GetContextFileUploadUrl / GetContextFileDownloadUrl). The token
/// is the grant in clear text and an HMAC-SHA256 over it with a secret this server process draws at start, so no API key
/// is in the URL and a URL changed in any part (another file, another context) fails the check. A server restart voids
/// every URL it handed out.
/// </summary>
public sealed class ContextUrlSigner(ServerOptions options, TimeProvider clock)
{
    public const string TokenParameter = "token";
    private const char Separator = '\n';
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    public SignedFileGrant Grant(string method, string tenant, string contextId, string path) =>
        new(method, tenant, contextId, path, clock.GetUtcNow() + options.ContextUrlLifetime);

    public string Sign(SignedFileGrant grant)
    {
        byte[] payload = Encoding.UTF8.GetBytes(string.Join(Separator, grant.Method, grant.Tenant, grant.ContextId, grant.Path,
            grant.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        return $"{Secrets.Base64Url(payload)}.{Secrets.Base64Url(HMACSHA256.HashData(_secret, payload))}";
    }

    /// <summary>The grant of a token this server signed, for this method, not yet expired; anything else is a 403 saying which.</summary>
    public SignedFileGrant Check(string? token, string method)
    {
        string[] halves = (token ?? "").Split('.');
        byte[]? payload = halves.Length == 2 ? Secrets.FromBase64Url(halves[0]) : null;
        byte[]? signature = halves.Length == 2 ? Secrets.FromBase64Url(halves[1]) : null;
        if (payload is null || signature is null || !CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(_secret, payload), signature))
            throw Refused("SignedUrl.Invalid", "The URL's signature does not match: it was changed, is for another file, or came from another server (or " +
                                               "before a restart). Ask for a new URL with GetContextFileUploadUrl or GetContextFileDownloadUrl.");
        string[] parts = Encoding.UTF8.GetString(payload).Split(Separator);
        var grant = new SignedFileGrant(parts[0], parts[1], parts[2], parts[3],
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(parts[4], CultureInfo.InvariantCulture)));
        if (!string.Equals(grant.Method, method, StringComparison.Ordinal))
            throw Refused("SignedUrl.WrongMethod", $"This URL is for {grant.Method}, not {method}: an upload URL takes PUT and a download URL GET. " +
                                                   "Ask for the URL of the operation you want.");
        if (clock.GetUtcNow() >= grant.Expires)
            throw Refused("SignedUrl.Expired", $"This URL expired at {grant.Expires.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}: signed URLs live " +
                                               $"{options.ContextUrlLifetime.TotalSeconds:0} s ({ServerOptions.Prefix}{ServerOptions.ContextUrlLifetimeSetting}). Ask for a new one.");
        return grant;
    }

    /// <summary>Path and context id travel inside the signed text, so neither may hold its separator.</summary>
    public static bool CanCarry(string value) => !value.Contains(Separator, StringComparison.Ordinal);

    private static ApiError Refused(string code, string message) => new(403, code, message);
}
