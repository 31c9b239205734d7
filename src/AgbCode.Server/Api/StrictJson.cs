using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Unicode;

namespace AgbCode.Server.Api;

/// <summary>
/// Parses the JSON clients send. Beyond syntax, it refuses what System.Text.Json lets through and only trips over later,
/// deep inside a handler: invalid UTF-8, duplicate property names (which also make two readers disagree about a value) and
/// escapes of lone UTF-16 surrogates such as \ud800. Every refusal is a <see cref="JsonException"/> with a plain message.
/// </summary>
public static class StrictJson
{
    private const int MaxDepth = 64;
    private static readonly JsonDocumentOptions Document = new() { AllowDuplicateProperties = false, MaxDepth = MaxDepth };

    public static JsonNode? Parse(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
            throw new JsonException("it is not valid UTF-8");
        RefuseLoneSurrogates(utf8);
        return JsonNode.Parse(utf8, documentOptions: Document);
    }

    /// <summary>A JSON text held in a .NET string (e.g. args sent as a string); the string itself is already valid text.</summary>
    public static JsonNode? Parse(string text) => Parse(Encoding.UTF8.GetBytes(text));

    private static void RefuseLoneSurrogates(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = MaxDepth });
        while (reader.Read())
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped)
                continue;
            char[] text = ArrayPool<char>.Shared.Rent(reader.ValueSpan.Length);
            try
            {
                reader.CopyString(text);   // decoding the escapes throws on a surrogate without its pair
            }
            catch (InvalidOperationException)
            {
                throw new JsonException($"a string at byte {reader.TokenStartIndex} escapes a lone UTF-16 surrogate (such as \\ud800), which is not text");
            }
            finally
            {
                ArrayPool<char>.Shared.Return(text);
            }
        }
    }
}
