using System.Text.RegularExpressions;

namespace AgbCode.PowerShell.Tests;

/// <summary>
/// Sandboxed code prints every class of terminal escape; what the module writes to a host, through each path, must be
/// inert: no ESC but colour (and colour only where $PSStyle.OutputRendering renders it), no C1, no other C0 but newline
/// and tab, no bidi override. The escapes must still be visible, not dropped.
/// </summary>
[Collection(ProcessWideSessions.Name)]
public partial class TerminalInjectionTests
{
    /// <summary>Python that defines H: OSC 52, OSC 0, OSC 8, ESC[2J, cursor moves, 8-bit CSI and OSC, a lone CR, RLO, BS, BEL, colour.</summary>
    /// <remarks>Its colour is one PowerShell's own views never use, so the tests can tell it apart from theirs.</remarks>
    private const string Hostile = """
        E = '\x1b'
        H = (E + ']52;c;Y3VybCBldmlsIHwgc2g=\x07' + E + ']0;pwned\x07' + E + ']8;;https://evil.example/\x07click' + E + ']8;;\x07'
             + E + '[2J' + E + '[5A' + E + '[2K' + '\x9b2J' + '\x9d0;c1\x9c' + 'safe\roverwritten' + '\u202eevil' + '\x08\x07'
             + E + '[38;5;201mred' + E + '[0m')

        """;

    public static TheoryData<string, string> Paths => new()
    {
        { "live stdout and stderr", "Invoke-AgbCode -Language py -Code ($H + 'import sys; print(H); print(H, file=sys.stderr)') | Out-Null" },
        { "error record and the failed result's view", "Invoke-AgbCode -Language py -Code ($H + 'raise ValueError(H)')" },
        { "error record under -Quiet, NormalView", "$ErrorView = 'NormalView'; Invoke-AgbCode -Language py -Code ($H + 'raise ValueError(H)') -Quiet | Out-Null" },
        { "kernel-restart warning and verbose", """
            $s = New-AgbSession
            Invoke-AgbCode -Session $s -Language py -Code ($H + 'import os, agb_protocol; os.write(agb_protocol.DIAG, H.encode()); os._exit(3)') -Quiet | Out-Null
            Invoke-AgbCode -Session $s -Language py -Code '1' | Out-Null
            Remove-AgbSession $s
            """ },
        { "result view", "Invoke-AgbCode -Language py -Code ($H + \"import sys; print(H); print(H, file=sys.stderr)`nclass R:`n    def __repr__(self): return H`nR()\") -Quiet" },
        { "rich item view", "(Invoke-AgbCode -Language py -Code ($H + \"display({'text/plain': H, 'text/x-' + H: 'v'}, raw=True)\") -Quiet).Results" },
        { "-Stream chunks", "Invoke-AgbCode -Language py -Code ($H + 'print(H)') -Stream" },
        { "the run's error and logs on their own", """
            $r = Invoke-AgbCode -Language py -Code ($H + "import sys; print(H); print(H, file=sys.stderr)`nraise type(H, (ValueError,), {})(H)") -Quiet -ErrorAction SilentlyContinue
            $r.Error; $r.Logs; [pscustomobject]@{ Shape = 'a table first' }; $r.Error; $r.Logs
            """ },
        { "views after objects of another shape", """
            $s = New-AgbSession
            $r = Invoke-AgbCode -Session $s -Language py -Code ($H + "print(H)`ndisplay({'text/plain': H}, raw=True)") -Quiet
            [pscustomobject]@{ Shape = 'a table first' }; $r; [pscustomobject]@{ Shape = 'a table again' }; $r.Results
            [pscustomobject]@{ Shape = 'and again' }; Invoke-AgbCode -Session $s -Language py -Code 'print(H)' -Stream
            Remove-AgbSession $s
            """ },
        { "files copied back from a session, as a table, a list and after objects of another shape", """
            $s = New-AgbSession
            Invoke-AgbCode -Session $s -Language py -Code ($H + "import os; n = H.replace('/', '_'); os.makedirs(n); open(n + '/' + n, 'w').write('x'); os.symlink(n, 'link')") -Quiet | Out-Null
            $back = Join-Path ([IO.Path]::GetTempPath()) "agb-back-$([guid]::NewGuid())"
            try {
                Copy-AgbItem -Path '*' -Destination "$back/" -FromSession $s -Recurse -PassThru
                Copy-AgbItem -Path '*' -Destination "$back/" -FromSession $s -Recurse -PassThru | Format-List
                Invoke-AgbCode -Session $s -Language py -Code "open('again-' + H.replace('/', '_'), 'w').write('x'); 1" -OutputPath $back -PassThru
            } finally {
                Remove-Item -LiteralPath $back -Recurse -Force -ErrorAction SilentlyContinue
                Remove-AgbSession $s
            }
            """ },
    };

    [Theory]
    [MemberData(nameof(Paths))]
    public void Nothing_but_colour_reaches_a_console_that_renders_it(string path, string script)
    {
        string screen = new RecordingHost(supportsVirtualTerminal: true).Show(script, "Host", Variables);
        AssertInert(screen, path);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_sandbox_colour_does_not_reach_a_host_under_PlainText(string path, string script)
    {
        string screen = new RecordingHost(supportsVirtualTerminal: true).Show(script, "PlainText", Variables);
        AssertInert(screen, path);
        Assert.DoesNotContain(SandboxColour, screen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host", false, false)]
    [InlineData("Ansi", false, true)]
    [InlineData("Host", true, true)]
    [InlineData("PlainText", true, false)]
    public void Live_colour_follows_OutputRendering_and_the_host(string rendering, bool hostSupportsVt, bool colour)
    {
        string screen = new RecordingHost(hostSupportsVt).Show("Invoke-AgbCode -Language py -Code ($H + 'print(H)') | Out-Null", rendering, Variables);
        AssertInert(screen, "live stdout");
        Assert.Equal(colour, screen.Contains(SandboxColour + "red", StringComparison.Ordinal));
        Assert.Contains("red", screen, StringComparison.Ordinal);
    }

    [Fact]
    public void The_result_keeps_the_exact_output()
    {
        var host = new RecordingHost(supportsVirtualTerminal: true);
        host.Show("$global:r = Invoke-AgbCode -Language py -Code ($H + 'print(H, end=\"\")') -Quiet; [System.IO.File]::WriteAllText($Out, $r.Stdout)",
            "PlainText", new Dictionary<string, object>(Variables) { ["Out"] = OutFile });
        string stdout = File.ReadAllText(OutFile);
        File.Delete(OutFile);
        Assert.StartsWith("\u001b]52;c;", stdout, StringComparison.Ordinal);
        Assert.Contains("\u009b2J", stdout, StringComparison.Ordinal);
        Assert.Contains("safe\roverwritten\u202eevil", stdout, StringComparison.Ordinal);
    }

    private static readonly string OutFile = Path.Combine(Path.GetTempPath(), $"agb-exact-{Guid.NewGuid():N}.txt");

    private const string SandboxColour = "\u001b[38;5;201m";

    private static Dictionary<string, object> Variables => new() { ["H"] = Hostile };

    /// <summary>
    /// The hostile text was shown, and nothing on the screen is interpreted but colour. PowerShell's own views colour
    /// their labels even under PlainText when the host is not the console (the console host strips them itself), so
    /// colour as such is allowed here; whether the sandbox's colour passed is checked by its sequence.
    /// </summary>
    private static void AssertInert(string screen, string path)
    {
        Assert.True(screen.Contains("␛]52", StringComparison.Ordinal), $"{path}: the escapes were not shown at all:\n{screen}");
        string withoutColour = Sgr().Replace(screen, "");
        foreach (char c in withoutColour)
        {
            bool hostile = c is (< ' ' and not '\n' and not '\t') or '\u007f' or (>= '\u0080' and <= '\u009f')
                or (>= '\u202a' and <= '\u202e') or (>= '\u2066' and <= '\u2069');
            Assert.False(hostile, $"{path}: U+{(int)c:X4} reached the host:\n{withoutColour}");
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;:]*m")]
    private static partial Regex Sgr();
}
