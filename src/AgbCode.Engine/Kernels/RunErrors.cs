namespace AgbCode.Engine.Kernels;

/// <summary>The names of the errors the engine itself gives a run (the driver's own come from the runtime).</summary>
internal static class RunErrors
{
    public const string Timeout = "TimeoutError";
    public const string Cancelled = "CancelledError";
    public const string KernelDied = "KernelDiedError";
    public const string OutOfMemory = "OutOfMemoryError";
    public const string KernelProtocol = "KernelProtocolError";
    public const string KernelStart = "KernelStartError";
    public const string SessionClosed = "SessionClosedError";
}
