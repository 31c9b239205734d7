using System.Globalization;
using System.Text;

namespace AgbCode.Core.Values;

/// <summary>
/// Double-quoted string literals that Python, JavaScript, R and Java all read back as the same text: backslash, quote
/// and control characters escaped, everything else (Unicode included) written as itself, lone surrogates as U+FFFD.
/// </summary>
internal static class StringLiterals
{
    /// <summary>
    /// A literal of the text. Control characters are \uXXXX, except in Java, where javac reads \u escapes before it
    /// reads the source (a \u000a would end the line), so they are octal there.
    /// </summary>
    public static string Quote(string text, bool java = false)
    {
        var literal = new StringBuilder(text.Length + 2).Append('"');
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '"': literal.Append("\\\""); break;
                case '\\': literal.Append("\\\\"); break;
                case '\n': literal.Append("\\n"); break;
                case '\r': literal.Append("\\r"); break;
                case '\t': literal.Append("\\t"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                        literal.Append(c).Append(text[++i]);
                    else if (char.IsSurrogate(c))
                        literal.Append('\uFFFD');
                    else if (java && (c < 0x20 || c == 0x7f))
                        literal.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
                    else if (!java && (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029'))
                        literal.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        literal.Append(c);
                    break;
            }
        }
        return literal.Append('"').ToString();
    }
}
