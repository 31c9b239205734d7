using AgbCode.Core.Results;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// Proves that output arrives live by cause, not by timing: the code prints, then waits for a gate file that the test
/// has another kernel of the same session (Python, or JavaScript for a Python run; running in parallel) create only after the printed text reached the
/// observer. Output held back until the end would leave the code waiting for its gate until the run times out.
/// </summary>
internal static class LiveOutput
{
    /// <summary>Waits until the run has shown <paramref name="text"/> on <paramref name="kind"/>, then opens the gate.</summary>
    public static async Task OpenWhenSeenAsync(SessionFixture fixture, EventLog log, Task<EnhancedCodeExecutionResult> run,
        string kind, string text, string gate, string opener = "python")
    {
        var deadline = DateTime.UtcNow.AddSeconds(300);   // only reached when the output never comes
        while (!Seen(log, kind, text))
        {
            if (run.IsCompleted)
                Assert.Fail($"the run ended before '{text}' reached the observer: {run.Result.ErrorMessage}");
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' never reached the observer while the code waited for {gate}; it saw " +
                string.Join(" | ", log.Events.Select(e => $"{e.Kind}: {e.Text}")));
            await Task.Delay(10);
        }
        EnhancedCodeExecutionResult opened = opener == "python"
            ? await fixture.Python($"open('{gate}', 'w').close()", timeoutSec: 300)
            : await fixture.Run("javascript", $"require('fs').writeFileSync('{gate}', '')", timeoutSec: 300);
        Assert.True(opened.Success, opened.ErrorMessage);
    }

    private static bool Seen(EventLog log, string kind, string text) =>
        string.Concat(log.Of(kind).Select(e => e.Text)).Contains(text, StringComparison.Ordinal);
}
