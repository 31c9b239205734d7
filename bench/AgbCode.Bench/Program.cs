using System.Diagnostics;
using System.Globalization;
using AgbCode.Bench;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Every comparison is measured in this one run, on this machine, interleaved where it can be.
string what = args.FirstOrDefault() ?? "all";
if (what == "hostile-server")   // the server process the "hostile-clients" mode attacks: the server's own Main
    return await AgbCode.Server.Program.Main(args[1..]);
int warmRuns = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
Console.WriteLine($"AgbCode benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {Environment.OSVersion}");
if (what is "all" or "python")
    await PythonWarmRun(warmRuns);
if (what is "all" or "cold")
    await ColdStart(20);
if (what is "all" or "languages")
    await Languages(warmRuns: Math.Min(warmRuns, 300), coldRuns: 10);
if (what is "all" or "warm")
    await WarmBench.RunAsync(Math.Min(warmRuns, 300));
if (what is "all" or "crash")
    Console.WriteLine($"\nCleanup after the engine is SIGKILLed (10 trials)\n\n{Stats.Header}\n{CrashCleanup.Measure(10).Row()}");
if (what is "all" or "values")
    await ValuesBench.RunAsync(Math.Min(warmRuns, 100));
if (what is "all" or "interrupts")
    await InterruptBench.RunAsync(trials: what == "interrupts" && args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10,
        only: what == "interrupts" && args.Length > 2 ? args[2] : null);
if (what is "all" or "server")
    await ServerBench.RunAsync(warmRuns, streamRuns: 200);
if (what is "hostile-clients")   // a separate server process under attack: not part of "all"
    await HostileBench.RunAsync();
if (what is "all" or "files")
    await FilesBench.RunAsync(rounds: what == "files" && args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5);
if (what is "remote-files")   // not part of "all": minutes on a loaded machine
    await RemoteFilesBench.RunAsync(largeBytes: 16L << 20, smallFiles: 100, smallBytes: 16 << 10, runs: 2);
if (what is "sessions")
    await SessionCostBench.RunAsync(rounds: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
if (what is "all" or "contexts")
    await ContextBench.RunAsync(rounds: what == "contexts" && args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10);
if (what is "all" or "remote-list")
    await RemoteListBench.RunAsync(sessions: 10, runs: Math.Min(warmRuns, 100));
if (what is "all" or "hostile-kernels")
    await HostileKernels.RunAsync();
if (what is "hostile-memory")   // one memory row in this process: hostile-memory 0 … 5
    await HostileKernels.RunAsync(int.Parse(args[1], CultureInfo.InvariantCulture));
if (what is "hostile-cpu")
    await HostileKernels.CpuAsync(TimeSpan.FromSeconds(20));
if (what is "scale")   // several instances, one API (docs/scale.md): not part of "all"
    await ScaleBench.RunAsync(perInstance: args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 8, clients: 4,
        runsPerClient: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
if (what is "load")   // minutes of work: not part of "all"
    await Load.Run(sessions: 50, runsPerSession: args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);

return 0;

// Every language: warm run of 1+1 and session creation to the first result, in one run.
async Task Languages(int warmRuns, int coldRuns)
{
    await using var space = new LocalCodeSpace();
    var warm = new List<Stats>();
    var cold = new List<Stats>();
    foreach (string language in new[] { "python", "javascript", "java", "r" })
    {
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = [language] });
        for (int i = 0; i < 10; i++)
            await session.RunAsync(new RunRequest("1+1", language));
        var times = new List<double>();
        for (int i = 0; i < warmRuns; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var result = await session.RunAsync(new RunRequest("1+1", language));
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!result.Success || result.Text is null || !result.Text.Contains('2'))
                throw new InvalidOperationException($"{language}: unexpected result {result.Text} {result.ErrorMessage}");
        }
        warm.Add(new Stats(language, times));
        await space.DeleteSessionAsync(session.Id);

        var starts = new List<double>();
        for (int i = 0; i < coldRuns; i++)
        {
            long start = Stopwatch.GetTimestamp();
            ICodeSession fresh = await space.CreateSessionAsync(new SessionOptions());
            var result = await fresh.RunAsync(new RunRequest("1+1", language));
            starts.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!result.Success)
                throw new InvalidOperationException($"{language}: {result.ErrorMessage}");
            await space.DeleteSessionAsync(fresh.Id);
        }
        cold.Add(new Stats(language, starts));
    }
    Console.WriteLine($"\nWarm run of `1+1` per language ({warmRuns} runs each, after 10 warm-up runs)\n\n{Stats.Header}");
    warm.ForEach(s => Console.WriteLine(s.Row()));
    Console.WriteLine($"\nSession creation to the first `1+1` result per language ({coldRuns} runs each)\n\n{Stats.Header}");
    cold.ForEach(s => Console.WriteLine(s.Row()));
}

async Task PythonWarmRun(int runs)
{
    await using var space = new LocalCodeSpace();
    ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["python"] });
    for (int i = 0; i < 20; i++)
        await session.RunAsync(new RunRequest("1+1", "python"));
    var ours = new List<double>();
    for (int i = 0; i < runs; i++)
    {
        long start = Stopwatch.GetTimestamp();
        var result = await session.RunAsync(new RunRequest("1+1", "python"));
        ours.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        if (result.Text != "2")
            throw new InvalidOperationException($"unexpected result {result.Text}");
    }
    var jupyter = RunJupyterBaseline(runs);
    Console.WriteLine($"\nWarm run of `1+1` ({runs} runs each, after 20 warm-up runs)\n\n{Stats.Header}");
    var oursStats = new Stats("AgbCode local engine: RunAsync → result (sandboxed IPython)", ours);
    var jupyterStats = new Stats("jupyter_client → ipykernel execute → idle (no sandbox)", jupyter);
    Console.WriteLine(oursStats.Row());
    Console.WriteLine(jupyterStats.Row());
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nratio of medians (AgbCode / Jupyter): {oursStats.Median / jupyterStats.Median:0.00}"));
}

List<double> RunJupyterBaseline(int runs)
{
    var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, UseShellExecute = false };
    info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "jupyter_roundtrip.py"));
    info.ArgumentList.Add(runs.ToString(CultureInfo.InvariantCulture));
    using Process process = Process.Start(info)!;
    var seconds = new List<double>();
    while (process.StandardOutput.ReadLine() is { } line)
        seconds.Add(double.Parse(line, CultureInfo.InvariantCulture));
    process.WaitForExit();
    return seconds;
}

// CreateSession + first `1+1` once the pool has a spare ready (what a caller sees when the engine has had a moment).
async Task<double> TimeFromSpare(LocalCodeSpace pool, SessionOptions options)
{
    while (pool.Spares.Count == 0)
        await Task.Delay(20);
    long start = Stopwatch.GetTimestamp();
    ICodeSession ready = await pool.CreateSessionAsync(options);
    var result = await ready.RunAsync(new RunRequest("1+1", "python"));
    double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
    if (result.Text != "2")
        throw new InvalidOperationException($"unexpected result {result.Text}");
    await pool.DeleteSessionAsync(ready.Id);
    return seconds;
}

async Task ColdStart(int runs)
{
    await using var space = new LocalCodeSpace();
    await using var pooled = new LocalCodeSpace(spareSessions: 1);
    var forPython = new SessionOptions { RunLanguage = "python" };   // what Invoke-AgbCode without -Session asks for
    await pooled.DeleteSessionAsync((await pooled.CreateSessionAsync(forPython)).Id);   // its first use starts the pool
    await using var plainPool = new LocalCodeSpace(spareSessions: 1);
    await plainPool.DeleteSessionAsync((await plainPool.CreateSessionAsync(new SessionOptions())).Id);   // spares without a kernel
    var ours = new List<double>();
    var spare = new List<double>();
    var plainSpare = new List<double>();
    var bwrap = new List<double>();
    var plain = new List<double>();
    string[] bwrapArgs = ["--unshare-all", "--unshare-user", "--die-with-parent", "--ro-bind", "/usr", "/usr",
        "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/bin", "/bin",
        "--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/python3", "-c", "pass"];
    for (int i = 0; i < runs; i++)   // interleaved: each iteration measures every variant once
    {
        plain.Add(Command.Time("/usr/bin/python3", "-c", "pass"));
        bwrap.Add(Command.Time("/usr/bin/bwrap", bwrapArgs));
        long start = Stopwatch.GetTimestamp();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        var result = await session.RunAsync(new RunRequest("1+1", "python"));
        ours.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        if (result.Text != "2")
            throw new InvalidOperationException($"unexpected result {result.Text}");
        await space.DeleteSessionAsync(session.Id);

        spare.Add(await TimeFromSpare(pooled, forPython));
        plainSpare.Add(await TimeFromSpare(plainPool, new SessionOptions()));
    }
    Console.WriteLine($"\nSession creation to first result ({runs} runs each, interleaved)\n\n{Stats.Header}");
    Console.WriteLine(new Stats("AgbCode: CreateSession + first `1+1` (sandbox, cgroups, volume, IPython start)", ours).Row());
    Console.WriteLine(new Stats("AgbCode with a spare session ready (the module's default): CreateSession for python + first `1+1`", spare).Row());
    Console.WriteLine(new Stats("AgbCode with a spare ready, CreateSession naming no language (an AGB CreateSession) + first `1+1`", plainSpare).Row());
    Console.WriteLine(new Stats("`bwrap … /usr/bin/python3 -c pass`", bwrap).Row());
    Console.WriteLine(new Stats("`/usr/bin/python3 -c pass`", plain).Row());
}
