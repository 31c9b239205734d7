using AgbCode.Core.Display;
using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

public class InertTextTests
{
    private const string Esc = "\u001b";

    [Theory]
    [InlineData("\u001b]52;c;Y3VybA==\u0007", "␛]52;c;Y3VybA==␇")]                       // OSC 52: clipboard
    [InlineData("\u001b]0;title\u001b\\", "␛]0;title␛\\")]                               // OSC 0 with ST
    [InlineData("\u001b]8;;https://x/\u0007t\u001b]8;;\u0007", "␛]8;;https://x/␇t␛]8;;␇")] // OSC 8: hyperlink
    [InlineData("\u001b[2J\u001b[H\u001b[5A\u001b[2K", "␛[2J␛[H␛[5A␛[2K")]                // erase, cursor moves
    [InlineData("\u009b2J\u009d0;t\u009c\u0090q", "<U+009B>2J<U+009D>0;t<U+009C><U+0090>q")] // C1: 8-bit CSI, OSC, ST, DCS
    [InlineData("ok\rfake", "ok␍fake")]                                                  // lone CR would overwrite the line
    [InlineData("a\u202eb\u2066c\u200fd", "a<U+202E>b<U+2066>c<U+200F>d")]               // bidi override, isolate, mark
    [InlineData("\u0000\u0008\u007f", "␀␈␡")]
    [InlineData("\u001b[1;31", "␛[1;31")]                                                // unterminated: not colour
    public void Shows_controls_visibly(string text, string shown)
    {
        Assert.Equal(shown, InertText.Of(text));
        Assert.Equal(shown, InertText.Of(text, colour: true));
    }

    [Fact]
    public void Keeps_newline_tab_crlf_and_printable_text_unchanged()
    {
        const string text = "line 1\r\n\tline 2 — é 漢字 🙂\n";
        Assert.Equal(text, InertText.Of(text));
        Assert.Equal(text, InertText.Of(text, colour: true));
    }

    [Fact]
    public void Colour_passes_only_when_allowed_and_ends_with_its_line()
    {
        string text = $"{Esc}[38;5;201mred{Esc}[0m plain\n{Esc}[1mbold\nnext";
        Assert.Equal("red plain\nbold\nnext", InertText.Of(text, colour: false));
        Assert.Equal($"{Esc}[38;5;201mred{Esc}[0m plain{Esc}[0m\n{Esc}[1mbold{Esc}[0m\nnext", InertText.Of(text, colour: true));
    }

    [Fact]
    public void A_long_parameter_list_is_not_colour()
    {
        string text = $"{Esc}[{new string('1', 100)}m";
        Assert.StartsWith("␛[111", InertText.Of(text, colour: true), StringComparison.Ordinal);
    }

    [Fact]
    public void A_rich_item_summary_is_inert_in_its_text_and_mime_keys()
    {
        var item = new ExecutionResult { Text = $"{Esc}]52;c;eA==\u0007hi" };
        item.Extra[$"text/x-{Esc}[2J"] = System.Text.Json.JsonDocument.Parse("1").RootElement.Clone();
        Assert.DoesNotContain(Esc, item.Summary, StringComparison.Ordinal);
        Assert.Contains("␛]52;c;eA==␇hi", item.Summary, StringComparison.Ordinal);
        Assert.Contains("text/x-␛[2J", item.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void One_line_shows_newline_and_tab_too_and_cuts_long_text()
    {
        Assert.Equal("a\u240ab\u2409c\u241b[2J", InertText.OneLine("a\nb\tc\u001b[2J"));
        Assert.Equal("a\u240d\u240ab", InertText.OneLine("a\r\nb"));
        Assert.Equal("abc\u2026", InertText.OneLine("abcdef", 3));
        Assert.Equal("abc", InertText.OneLine("abc", 3));
        Assert.Equal("", InertText.OneLine(null));
    }
}
