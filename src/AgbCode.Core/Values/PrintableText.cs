namespace AgbCode.Core.Values;

/// <summary>Text a user typed, as an error message can show it: control characters escaped, long text cut.</summary>
internal static class PrintableText
{
    public static string Of(string text, int max = 80)
    {
        string shown = string.Concat(text.Take(max).Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        return text.Length > max ? shown + "..." : shown;
    }
}
