using System.Globalization;
using System.Text;

namespace AgbCode.Core.Display;

/// <summary>
/// Makes text that a sandbox produced safe to show on a terminal: nothing in it is interpreted, everything is visible.
/// Newline and tab pass; a colour (SGR) sequence, ESC [ digits ; : m, passes only when <c>colour</c> is true and is
/// removed otherwise (as PowerShell removes its own colour under OutputRendering PlainText); every other control
/// character is shown: C0 controls, DEL and a carriage return not followed by a line feed (it would overwrite the line)
/// as their Unicode control pictures (ESC as ␛), C1 controls (U+0080-U+009F, e.g. the 8-bit CSI U+009B), bidirectional
/// overrides and isolates, and the line and paragraph separators as &lt;U+XXXX&gt;.
/// </summary>
public static class InertText
{
    private const char Escape = '\u001b';
    private const int LongestSgr = 64;
    private const string ResetColour = "\u001b[0m";

    /// <param name="text">What the sandbox produced; null is empty.</param>
    /// <param name="colour">
    /// True where the host renders colour: SGR sequences pass, and a reset ends each line that set any, so colour never
    /// outlasts the line (a view that shows the first lines, or the prompt after the output, starts uncoloured).
    /// </param>
    public static string Of(string? text, bool colour = false)
    {
        if (string.IsNullOrEmpty(text) || !NeedsWork(text))
            return text ?? "";
        var shown = new StringBuilder(text.Length + 16);
        bool setColour = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            int sgr = c == Escape ? SgrLength(text, i) : 0;
            if (sgr > 0)
            {
                if (colour)
                {
                    shown.Append(text, i, sgr);
                    setColour = true;
                }
                i += sgr - 1;
            }
            else if (c == '\n' && setColour)
            {
                shown.Append(ResetColour).Append(c);
                setColour = false;
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                shown.Append(c);
            else if (IsHostile(c))
                AppendVisible(shown, c);
            else
                shown.Append(c);
        }
        if (setColour)
            shown.Append(ResetColour);
        return shown.ToString();
    }

    /// <summary>
    /// Text from a sandbox, or typed by a user, inside one line of a message or a table cell (a file name, an error's
    /// detail): as <see cref="Of"/> without colour, and newline, carriage return and tab shown too (as their control
    /// pictures), so the line stays one line; cut at <paramref name="max"/> characters with an ellipsis when longer.
    /// </summary>
    public static string OneLine(string? text, int max = int.MaxValue)
    {
        string shown = Of(text).Replace('\r', '\u240d').Replace('\n', '\u240a').Replace('\t', '\u2409');
        return shown.Length > max ? string.Concat(shown.AsSpan(0, max), "\u2026") : shown;
    }

    private static bool NeedsWork(string text)
    {
        foreach (char c in text)
            if (IsHostile(c) || c == Escape)
                return true;
        return false;
    }

    private static bool IsHostile(char c) => c switch
    {
        '\n' or '\t' => false,
        < '\u0020' or '\u007f' => true,                          // C0 (incl. ESC, BEL, BS, CR) and DEL
        >= '\u0080' and <= '\u009f' => true,                     // C1, incl. 8-bit CSI, OSC, DCS
        '\u061c' or '\u200e' or '\u200f' => true,                // bidi marks
        >= '\u202a' and <= '\u202e' => true,                     // bidi embeddings and overrides
        >= '\u2066' and <= '\u2069' => true,                     // bidi isolates
        '\u2028' or '\u2029' => true,                            // line and paragraph separators
        _ => false,
    };

    private static void AppendVisible(StringBuilder shown, char c)
    {
        if (c < '\u0020')
            shown.Append((char)('\u2400' + c));
        else if (c == '\u007f')
            shown.Append('\u2421');
        else
            shown.Append("<U+").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture)).Append('>');
    }

    /// <summary>The length of the SGR sequence at <paramref name="start"/>, or 0 when there is none.</summary>
    private static int SgrLength(string text, int start)
    {
        if (start + 2 >= text.Length || text[start + 1] != '[')
            return 0;
        for (int i = start + 2; i < text.Length && i - start <= LongestSgr; i++)
        {
            char c = text[i];
            if (c == 'm')
                return i - start + 1;
            if (c is not ((>= '0' and <= '9') or ';' or ':'))
                return 0;
        }
        return 0;
    }
}
