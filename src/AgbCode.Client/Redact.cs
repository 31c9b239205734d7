namespace AgbCode.Client;

/// <summary>URLs as they may appear in messages: a session URL can carry its token in the query, so the query goes.</summary>
internal static class Redact
{
    public static string Url(Uri uri) =>
        uri.IsAbsoluteUri ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : "(relative URL)";
}
