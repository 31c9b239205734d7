using System.Text.Json;
using AgbCode.Core.Display;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Parsing;

/// <summary>
/// The protections the local engine service reports for a session (its <c>isolation</c> field, sent only on the local
/// socket), bounded in count and length and made inert for display, like anything else an endpoint says.
/// </summary>
internal static class ServiceIsolation
{
    private const int MaxProtections = 32;
    private const int MaxText = 300;

    public static IReadOnlyList<Protection> Parse(JsonElement? field)
    {
        if (field is not { ValueKind: JsonValueKind.Array } array)
            return [];
        return
        [
            .. array.EnumerateArray().Take(MaxProtections)
                .Where(p => p.ValueKind == JsonValueKind.Object)
                .Select(p => new Protection(Text(Json.Get(p, "name")), Json.Get(p, "enforced") is { ValueKind: JsonValueKind.True }, Text(Json.Get(p, "detail")))),
        ];
    }

    private static string Text(JsonElement? value)
    {
        string text = Json.String(value) ?? "";
        return InertText.Of(text.Length > MaxText ? text[..MaxText] : text);
    }
}
