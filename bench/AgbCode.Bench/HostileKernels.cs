using System.Diagnostics;
using System.Globalization;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// The engine under the attacks of issue 10 (items 3 and 6), each beside a quiet baseline measured in the same run:
/// the engine's peak memory growth while a run floods it with display items, MIME keys or forged results, and the
/// engine's CPU and a neighbour session's speed while a kernel floods the driver channel in and between runs.
/// </summary>
internal static class HostileKernels
{
    private const string Forge = "import agb_protocol as p\n";

    /// <param name="memoryAttack">Only this memory row (0-5), in a process of its own: the engine's RSS then starts fresh.</param>
    public static async Task RunAsync(int? memoryAttack = null)
    {
        await MemoryAsync(memoryAttack);
        if (memoryAttack is null)
            await CpuAsync(TimeSpan.FromSeconds(20));
    }

    // ---- item 3 ------------------------------------------------------------------------------------------------

    private static readonly (string Name, string Code)[] MemoryAttacks =
    [
        ("quiet baseline: `print('x' * 1000)` ten times", "for i in range(10): print('x' * 1000)"),
        ("600,000 `display({'text/latex': 'x'}, raw=True)`", "for i in range(600000): display({'text/latex': 'x'}, raw=True)"),
        ("one bundle with 600,000 MIME keys", "display({str(i): '' for i in range(600000)}, raw=True)"),
        ("forged `execute_result` lines of 1 KB until the kernel is killed", Forge + "while True: p.send({'type': 'execute_result', 'id': p.Run.current_id(), 'data': {'text/plain': 'y' * 1000}})"),
        ("one forged display line of 20 MB (1,500,000 MIME keys)", Forge + "p.send({'type': 'display_data', 'id': p.Run.current_id(), 'data': {str(i): '' for i in range(1500000)}})"),
    ];

    private static async Task MemoryAsync(int? only)
    {
        await using var space = new LocalCodeSpace();
        Console.WriteLine("\nEngine memory under output attacks (default limits: 10 MiB output cap; each run in a fresh session; peak RSS of the engine process during the run, minus its RSS before)\n");
        Console.WriteLine("| run | engine RSS before MiB | peak growth MiB | run result |\n|---|---|---|---|");
        for (int i = 0; i <= MemoryAttacks.Length; i++)
        {
            if (only is not null && only != i)
                continue;
            Console.WriteLine(i < MemoryAttacks.Length
                ? await MeasureMemoryAsync(space, MemoryAttacks[i].Name, [MemoryAttacks[i].Code])
                : await MeasureMemoryAsync(space, "four of the 600,000-display runs at once, in four sessions", [.. Enumerable.Repeat(MemoryAttacks[1].Code, 4)]));
        }
    }

    private static async Task<string> MeasureMemoryAsync(LocalCodeSpace space, string name, string[] codes)
    {
        var sessions = new List<ICodeSession>();
        foreach (string _ in codes)
        {
            ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["python"] });
            await session.RunAsync(new RunRequest("1", "python"));
            sessions.Add(session);
        }
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        long before = Rss();
        long peak = before;
        using var sampling = new CancellationTokenSource();
        Task sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Rss());
                await Task.Delay(20);
            }
        });
        EnhancedCodeExecutionResult[] results = await Task.WhenAll(sessions.Zip(codes, (s, c) => s.RunAsync(new RunRequest(c, "python", 600))));
        peak = Math.Max(peak, Rss());
        await sampling.CancelAsync();
        await sampler;
        foreach (ICodeSession session in sessions)
            await space.DeleteSessionAsync(session.Id);
        EnhancedCodeExecutionResult first = results[0];
        string outcome = first.Success
            ? $"ok, {first.Results.Count} items kept{(first.OutputTruncated ? ", flagged truncated" : "")}"
            : first.Error!.Name;
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {before / 1048576.0:0} | {(peak - before) / 1048576.0:0} | {outcome} |");
    }

    private static long Rss()
    {
        string statm = File.ReadAllText("/proc/self/statm");
        return long.Parse(statm.Split(' ')[1], CultureInfo.InvariantCulture) * Environment.SystemPageSize;
    }

    // ---- item 6 ------------------------------------------------------------------------------------------------

    private const string NeighbourWork = "sum(i * i for i in range(2_000_000))";

    /// <summary>
    /// The attacker's run starts a thread that sends tiny well-formed stream messages as fast as it can, and ends at
    /// once: the flood goes on between runs, then through a second run that sleeps.
    /// </summary>
    private const string Flood = Forge + """
        import threading
        def flood():
            while True: p.send({'type': 'stream', 'id': p.Run.current_id(), 'name': 'stdout', 'text': 'x'})
        threading.Thread(target=flood, daemon=True).start()
        """;

    public static async Task CpuAsync(TimeSpan window)
    {
        await using var space = new LocalCodeSpace();
        ICodeSession neighbour = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["python"] });
        ICodeSession attacker = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["python"] });
        for (int i = 0; i < 3; i++)
            await neighbour.RunAsync(new RunRequest(NeighbourWork, "python"));

        var (quietCpu, quietRuns) = await WindowAsync(neighbour, window);
        EnhancedCodeExecutionResult started = await attacker.RunAsync(new RunRequest(Flood, "python"));
        if (!started.Success)
            throw new InvalidOperationException(started.ErrorMessage);
        Task<EnhancedCodeExecutionResult> inRun = attacker.RunAsync(new RunRequest("import time; time.sleep(10)", "python", 600));
        var (attackCpu, attackRuns) = await WindowAsync(neighbour, window);
        EnhancedCodeExecutionResult attackerEnd = await inRun;
        await space.DeleteSessionAsync(attacker.Id);   // its flood would go on between runs until the volume bound kills it
        var (afterCpu, afterRuns) = await WindowAsync(neighbour, window);

        Console.WriteLine($"\nEngine CPU and a neighbour's speed while a kernel floods the driver channel (1-CPU session quota; {window.TotalSeconds:0} s windows: quiet, attack, quiet again)\n");
        Console.WriteLine("| window | engine CPU s per s | neighbour `sum(i*i …2e6)` runs | neighbour median ms |\n|---|---|---|---|");
        Console.WriteLine(Row("quiet, before", quietCpu, window, quietRuns));
        Console.WriteLine(Row("flood (between runs, then in a run)", attackCpu, window, attackRuns));
        Console.WriteLine(Row("quiet, after", afterCpu, window, afterRuns));
        double quietMedian = (Median(quietRuns) + Median(afterRuns)) / 2;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nneighbour slowdown under the flood: {(Median(attackRuns) / quietMedian - 1) * 100:0.0} %; attacker's sleeping run ended: {(attackerEnd.Success ? "ok" : attackerEnd.Error!.Name)}"));
    }

    private static async Task<(TimeSpan Cpu, List<double> Runs)> WindowAsync(ICodeSession neighbour, TimeSpan window)
    {
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var runs = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < window)
        {
            long start = Stopwatch.GetTimestamp();
            EnhancedCodeExecutionResult result = await neighbour.RunAsync(new RunRequest(NeighbourWork, "python"));
            runs.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!result.Success)
                throw new InvalidOperationException(result.ErrorMessage);
        }
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        return (cpu / clock.Elapsed.TotalSeconds * window.TotalSeconds, runs);
    }

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    private static string Row(string name, TimeSpan cpu, TimeSpan window, List<double> runs) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {cpu.TotalSeconds / window.TotalSeconds:0.000} | {runs.Count} | {Median(runs) * 1000:0} |");
}
