using System.Text.Json;

namespace AgbCode.Client.Tests.Support;

/// <summary>The recorded AGB bodies in Recorded/, written from the wire reference's shapes.</summary>
internal static class Recorded
{
    public static string Text(string name, IReadOnlyDictionary<string, string>? substitutions = null)
    {
        string text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Recorded", name));
        foreach (var (placeholder, value) in substitutions ?? new Dictionary<string, string>())
            text = text.Replace(placeholder, value, StringComparison.Ordinal);
        return text;
    }

    public static JsonElement Json(string name, IReadOnlyDictionary<string, string>? substitutions = null)
    {
        using JsonDocument document = JsonDocument.Parse(Text(name, substitutions));
        return document.RootElement.Clone();
    }

    /// <summary>The frames of a recorded stream, each as its JSON text, for the run <paramref name="invocationId"/>.</summary>
    public static IReadOnlyList<string> Frames(string name, string invocationId) =>
        [.. Json(name, new Dictionary<string, string> { ["$ID"] = invocationId }).EnumerateArray().Select(f => f.GetRawText())];
}
