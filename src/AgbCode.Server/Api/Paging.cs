using System.Globalization;
using System.Text;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Api;

/// <summary>
/// The AGB list calls' paging: <c>maxResults</c> items a page, chained by an opaque <c>nextToken</c> that holds the sort
/// key of the page's last item, so a page stays correct when items come and go between calls.
/// </summary>
public static class Paging
{
    public static int Size(string? raw, int fallback, int max)
    {
        if (string.IsNullOrWhiteSpace(raw))
            return fallback;
        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int size) && size >= 1 && size <= max
            ? size
            : throw ApiError.BadParameter($"maxResults must be a whole number from 1 to {max}; got '{raw}'.");
    }

    public static string EncodeToken(string sortKey) => Secrets.Base64Url(Encoding.UTF8.GetBytes(sortKey));

    /// <summary>The sort key a token holds; null for no token (the first page).</summary>
    public static string? DecodeToken(string? token, string operation)
    {
        if (string.IsNullOrWhiteSpace(token))
            return null;
        try
        {
            byte[] bytes = Secrets.FromBase64Url(token) ?? throw InvalidToken(operation);
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw InvalidToken(operation);
        }
    }

    /// <summary>A token for lists sorted by creation time, then id: the last item's (time, id).</summary>
    public static string EncodeToken(DateTimeOffset created, string id) =>
        EncodeToken(string.Create(CultureInfo.InvariantCulture, $"{created.UtcTicks}:{id}"));

    /// <summary>The (creation ticks, id) an <see cref="EncodeToken(DateTimeOffset, string)"/> token holds; null for none.</summary>
    public static (long Ticks, string Id)? DecodeTimeToken(string? token, string operation)
    {
        if (DecodeToken(token, operation) is not string text)
            return null;
        int colon = text.IndexOf(':');
        return colon > 0 && long.TryParse(text[..colon], NumberStyles.Integer, CultureInfo.InvariantCulture, out long ticks)
            ? (ticks, text[(colon + 1)..])
            : throw InvalidToken(operation);
    }

    public static ApiError InvalidToken(string operation) => ApiError.BadParameter(
        $"nextToken is not one this server issued; pass the nextToken of the previous {operation} page, or none for the first page.");
}
