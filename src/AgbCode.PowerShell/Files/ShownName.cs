using System.Globalization;
using System.Text;

namespace AgbCode.PowerShell.Files;

/// <summary>Names that came out of a sandbox, made safe to print: control characters (newline, escape) shown as \xNN.</summary>
internal static class ShownName
{
    public static string Of(string name)
    {
        if (!name.Any(char.IsControl))
            return name;
        var text = new StringBuilder(name.Length + 8);
        foreach (char c in name)
            text.Append(char.IsControl(c) ? string.Create(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}") : c);
        return text.ToString();
    }
}
