using System.Diagnostics;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// How soon an endless run ends after its timeout (the interrupt, state kept) and after a cancel, per language: the
/// latencies the engine tests no longer bound by the wall clock (they prove the interrupt by what the run did not print).
/// </summary>
internal static class InterruptBench
{
    private static readonly Dictionary<string, (string Busy, string Sleeps)> Code = new()
    {
        ["python"] = ("while True: pass", "print('working', flush=True)\nimport time\ntime.sleep(600)"),
        ["javascript"] = ("while (true) {}", "console.log('working'); await new Promise(() => {})"),
        ["java"] = ("while (true) {}", "System.out.println(\"working\");\nThread.sleep(600_000);"),
        ["r"] = ("while (TRUE) {}", "cat('working\\n'); Sys.sleep(600)"),
    };

    public static async Task RunAsync(int trials, string? only = null)
    {
        const double timeoutSec = 1;
        await using var space = new LocalCodeSpace();
        var rows = new List<Stats>();
        foreach (var (language, code) in Code.Where(c => only is null || c.Key == only))
        {
            ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = [language] });
            await session.RunAsync(new RunRequest("1", language));
            var baseline = new List<double>();
            var afterTimeout = new List<double>();
            var afterCancel = new List<double>();
            for (int i = 0; i < trials; i++)
            {
                long warm = Stopwatch.GetTimestamp();
                await session.RunAsync(new RunRequest("1", language));
                baseline.Add(Stopwatch.GetElapsedTime(warm).TotalSeconds);
                long start = Stopwatch.GetTimestamp();
                EnhancedCodeExecutionResult timedOut = await session.RunAsync(new RunRequest(code.Busy, language, timeoutSec));
                afterTimeout.Add(Stopwatch.GetElapsedTime(start).TotalSeconds - timeoutSec);
                Expect(timedOut, "TimeoutError", language);
                afterCancel.Add(await CancelAsync(session, new RunRequest(code.Sleeps, language, 900), language));
            }
            rows.Add(new Stats($"{language}, baseline: a warm run of `1`", baseline));
            rows.Add(new Stats($"{language}, timeout: end of run after the {timeoutSec:0} s timeout", afterTimeout));
            rows.Add(new Stats($"{language}, cancel: end of run after Cancel()", afterCancel));
            await space.DeleteSessionAsync(session.Id);
        }
        Console.WriteLine($"\nInterrupting an endless run: timeout and cancel latency ({trials} trials each, state kept)\n\n{Stats.Header}");
        rows.ForEach(s => Console.WriteLine(s.Row()));
    }

    private static async Task<double> CancelAsync(ICodeSession session, RunRequest request, string language)
    {
        var printed = new Printed();
        using var cancel = new CancellationTokenSource();
        Task<EnhancedCodeExecutionResult> run = session.RunAsync(request, printed, cancel.Token);
        await Task.WhenAny(printed.First.Task, run).WaitAsync(TimeSpan.FromMinutes(1));
        if (run.IsCompleted)
            throw new InvalidOperationException($"{language}: the run ended before it printed: {run.Result.ErrorMessage} [{run.Result.Stdout}]");
        long start = Stopwatch.GetTimestamp();
        cancel.Cancel();
        EnhancedCodeExecutionResult cancelled = await run.WaitAsync(TimeSpan.FromMinutes(1));
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Expect(cancelled, "CancelledError", language);
        return seconds;
    }

    private static void Expect(EnhancedCodeExecutionResult result, string error, string language)
    {
        if (result.Error?.Name != error || !result.Error.Value.Contains("state was kept", StringComparison.Ordinal))
            throw new InvalidOperationException($"{language}: expected an interrupted {error}, got {result.ErrorMessage}");
    }

    private sealed class Printed : IRunObserver
    {
        public TaskCompletionSource First { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void OnStdout(string text) => First.TrySetResult();
        public void OnStderr(string text) { }
        public void OnResult(ExecutionResult result) { }
        public void OnError(ExecutionError error) { }
        public void OnDiagnostic(string message) { }
    }
}
