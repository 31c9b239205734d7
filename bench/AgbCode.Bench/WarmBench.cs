using System.Diagnostics;
using System.Globalization;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// Issue 18's warm runs, in one run: a warm `1+1` in every language, the idle memory of a session per language, a
/// fresh session's start to its first result, and a CPU-bound Java method in a session against `java` running the same code.
/// </summary>
internal static class WarmBench
{
    private static readonly string[] AllLanguages = ["python", "javascript", "java", "r"];
    /// <summary>AGB_BENCH_LANGUAGES=java (or a comma-separated list) measures only those languages; all four when unset.</summary>
    private const string LanguagesVariable = "AGB_BENCH_LANGUAGES";
    private const long HostBytes = 24L << 30;

    /// <summary>
    /// The same method in a session and in a program run by `java`: the milliseconds each call took, measured inside
    /// the JVM, so the JVM's start and the compile of the code are not part of it.
    /// </summary>
    private const string CpuMethod = """
        static double work() {
            long start = System.nanoTime();
            long sum = 0;
            for (int round = 0; round < 40; round++)
                for (int i = 0; i < 5_000_000; i++)
                    sum += (i % 7) * (i ^ round);
            if (sum == 42) System.out.println("unlikely");
            return (System.nanoTime() - start) / 1e6;
        }
        """;
    private const int CpuCalls = 7;
    private const int Starts = 5;
    /// <summary>
    /// Memory right after the first `1+1`, and again after the session sat idle: background work a kernel starts after
    /// its first cell (JShell's completion indexer was one) shows only in the second.
    /// </summary>
    private static readonly TimeSpan IdleSettle = TimeSpan.FromSeconds(5);

    public static async Task RunAsync(int warmRuns)
    {
        await using var space = new LocalCodeSpace();
        var warm = new List<Stats>();
        var cpu = new List<string>();
        var memory = new List<string>();
        var starts = new List<Stats>();
        string[] languages = SelectedLanguages();
        foreach (string language in languages)
        {
            starts.Add(await StartToFirstResult(space, language));
            var (times, cpuPerRun) = await WarmRuns(space, language, warmRuns);
            warm.Add(times);
            cpu.Add(string.Create(CultureInfo.InvariantCulture, $"| {language} | {cpuPerRun.TotalMilliseconds:0.00} |"));
            memory.Add(await IdleMemoryRow(space, language));
        }

        Console.WriteLine($"\nWarm run of `1+1` per language ({warmRuns} runs each, after 10 warm-up runs)\n\n{Stats.Header}");
        warm.ForEach(s => Console.WriteLine(s.Row()));
        Console.WriteLine("\nCPU time per warm run (the session's cgroup over those runs: kernel, supervisor and JIT threads)\n");
        Console.WriteLine("| language | CPU ms per run |\n|---|---|");
        cpu.ForEach(Console.WriteLine);
        Console.WriteLine($"\nIdle session memory (the session's cgroup after start and one `1+1`, then after {IdleSettle.TotalSeconds:0} s idle; inactive file cache not counted)\n");
        Console.WriteLine("| language | MiB | idle sessions in 24 GiB | MiB, settled | idle sessions in 24 GiB, settled |\n|---|---|---|---|---|");
        memory.ForEach(Console.WriteLine);
        Console.WriteLine($"\nA new session to the result of its first `1+1` (the kernel started by that run, {Starts} sessions each)\n\n{Stats.Header}");
        starts.ForEach(s => Console.WriteLine(s.Row()));
        if (!languages.Contains("java"))
            return;
        var (session, plain, c1) = await CpuBound(space);
        Console.WriteLine($"\nJava CPU-bound method ({CpuCalls} calls each, ms per call measured inside the JVM)\n\n{Stats.Header}");
        Console.WriteLine(session.Row());
        Console.WriteLine(plain.Row());
        Console.WriteLine(c1.Row());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"\nratio of medians (session / java): {session.Median / plain.Median:0.00}"));
    }

    private static string[] SelectedLanguages()
    {
        string? selected = Environment.GetEnvironmentVariable(LanguagesVariable);
        if (string.IsNullOrWhiteSpace(selected))
            return AllLanguages;
        string[] languages = selected.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string? unknown = languages.FirstOrDefault(language => !AllLanguages.Contains(language));
        return unknown is null ? languages
            : throw new ArgumentException($"{LanguagesVariable}: unknown language '{unknown}'; use any of {string.Join(", ", AllLanguages)}, comma-separated");
    }

    private static async Task<(Stats Times, TimeSpan CpuPerRun)> WarmRuns(LocalCodeSpace space, string language, int runs)
    {
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = [language] });
        for (int i = 0; i < 10; i++)
            await session.RunAsync(new RunRequest("1+1", language));
        TimeSpan cpuBefore = await CpuTime(session);
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            var result = await session.RunAsync(new RunRequest("1+1", language));
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            if (!result.Success || result.Text is null || !result.Text.Contains('2'))
                throw new InvalidOperationException($"{language}: unexpected result {result.Text} {result.ErrorMessage}");
        }
        TimeSpan cpuPerRun = (await CpuTime(session) - cpuBefore) / runs;
        await space.DeleteSessionAsync(session.Id);
        return (new Stats(language, times), cpuPerRun);
    }

    private static async Task<Stats> StartToFirstResult(LocalCodeSpace space, string language)
    {
        var times = new List<double>();
        for (int i = 0; i < Starts; i++)
        {
            long start = Stopwatch.GetTimestamp();
            ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
            var result = await session.RunAsync(new RunRequest("1+1", language));
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            await space.DeleteSessionAsync(session.Id);
            if (!result.Success)
                throw new InvalidOperationException($"{language}: the first run failed: {result.ErrorMessage}");
        }
        return new Stats(language, times);
    }

    private static async Task<TimeSpan> CpuTime(ICodeSession session) =>
        (await session.GetUsageAsync())?.CpuTime ?? throw new InvalidOperationException("no cgroup CPU accounting: the CPU time cannot be read");

    private static async Task<string> IdleMemoryRow(LocalCodeSpace space, string language)
    {
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = [language] });
        await session.RunAsync(new RunRequest("1+1", language));
        SessionUsage usage = await Usage(session);
        await Task.Delay(IdleSettle);
        SessionUsage settled = await Usage(session);
        await space.DeleteSessionAsync(session.Id);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {language} | {Mib(usage)} | {HostBytes / usage.MemoryBytes} | {Mib(settled)} | {HostBytes / settled.MemoryBytes} |");
    }

    private static async Task<SessionUsage> Usage(ICodeSession session) =>
        await session.GetUsageAsync() ?? throw new InvalidOperationException("no cgroup: the idle memory cannot be read");

    private static string Mib(SessionUsage usage) => (usage.MemoryBytes / (double)(1 << 20)).ToString("0.0", CultureInfo.InvariantCulture);

    private static async Task<(Stats Session, Stats Plain, Stats C1)> CpuBound(LocalCodeSpace space)
    {
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["java"] });
        var defined = await session.RunAsync(new RunRequest(CpuMethod, "java"));
        if (!defined.Success)
            throw new InvalidOperationException($"java: {defined.ErrorMessage}");
        var inSession = new List<double>();
        for (int i = 0; i < CpuCalls; i++)
        {
            var result = await session.RunAsync(new RunRequest("work()", "java"));
            inSession.Add(double.Parse(result.Text ?? throw new InvalidOperationException(result.ErrorMessage), CultureInfo.InvariantCulture) / 1000);
        }
        await space.DeleteSessionAsync(session.Id);

        string folder = Directory.CreateTempSubdirectory("agb-cpu-bound-").FullName;
        string program = Path.Combine(folder, "CpuBound.java");
        File.WriteAllText(program, $$"""
            public class CpuBound {
            {{CpuMethod}}
                public static void main(String[] args) {
                    for (int i = 0; i < {{CpuCalls}}; i++)
                        System.out.println(work());
                }
            }
            """);
        Stats plain = new("the same method in `java CpuBound.java`", JavaCalls(program));
        Stats c1 = new("the same in `java -XX:TieredStopAtLevel=1 CpuBound.java` (the kernel's JIT setting)",
            JavaCalls(program, "-XX:TieredStopAtLevel=1"));
        Directory.Delete(folder, recursive: true);
        return (new Stats("the method in a Java session (`work()` per run)", inSession), plain, c1);
    }

    private static List<double> JavaCalls(string program, params string[] options)
    {
        var info = new ProcessStartInfo("/usr/bin/java") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string option in options)
            info.ArgumentList.Add(option);
        info.ArgumentList.Add(program);
        using Process process = Process.Start(info)!;
        var seconds = new List<double>();
        while (process.StandardOutput.ReadLine() is { } line)
            seconds.Add(double.Parse(line, CultureInfo.InvariantCulture) / 1000);
        process.WaitForExit();
        return seconds;
    }
}
