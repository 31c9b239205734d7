using System.Text.Json;

namespace AgbCode.Server.Auth;

/// <summary>
/// Finds the top-level "token" of a JSON object in the first bytes of a body, without the rest: the LinkUrl route
/// authenticates a client that sends its token only in the body before it reads (and holds) that body.
/// </summary>
public static class BodyToken
{
    /// <summary>The token's value, or null when it is not within <paramref name="prefix"/> (or the prefix is not JSON).</summary>
    public static string? Find(ReadOnlySpan<byte> prefix, bool isWholeBody)
    {
        var reader = new Utf8JsonReader(prefix, isWholeBody, default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals("token"))
                    continue;
                return reader.Read() && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            // malformed: no token; the full parse, if authentication lets it happen, says what is wrong
        }
        return null;
    }
}
