using AgbCode.Core.Errors;
namespace AgbCode.Engine.Kernels;

/// <summary>How a kernel process ended: its exit code (128 + n for signal n), its last diagnostics, and whether the OOM killer took it.</summary>
internal sealed record KernelExit(int ExitCode, string Diagnostics, bool OomKilled)
{
    /// <summary>
    /// The error a run in progress gets and the reason the next run is told, when nothing the engine did explains the
    /// death. <paramref name="runSaysOutOfMemory"/>: the runtime's own last words say it ran out of memory.
    /// </summary>
    public (string Name, string Reason) Cause(bool runSaysOutOfMemory, string memoryLimit) =>
        OomKilled || runSaysOutOfMemory
            ? (RunErrorNames.OutOfMemory, $"it ran out of memory: the session's limit is {memoryLimit}")
            : (RunErrorNames.KernelDied, $"it exited unexpectedly ({Describe()}){Tail()}");

    private string Describe() => ExitCode > 128 ? $"killed by signal {ExitCode - 128}" : $"exit code {ExitCode}";

    private string Tail()
    {
        string tail = Diagnostics.Trim();
        return tail.Length == 0 ? "" : $": {tail}";
    }
}
