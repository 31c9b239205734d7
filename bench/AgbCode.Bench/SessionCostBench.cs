using System.Diagnostics;
using System.Globalization;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// What a session costs outside its kernel (issue 18): no spares; per round, a session made and removed without a
/// kernel, then one made, its Python kernel started by a first run, and removed. Wall time per step, and the CPU the
/// process and the children it reaped (host tools, launchers, kernels) used per session, from /proc/self/stat.
/// </summary>
internal static class SessionCostBench
{
    public static async Task RunAsync(int rounds)
    {
        await using var space = new LocalCodeSpace(spareSessions: 0);
        await Cycle(space, withKernel: true);   // the engine host, the runtime and the JIT, outside the numbers
        var create = new List<double>();
        var remove = new List<double>();
        var firstRun = new List<double>();
        var removeWithKernel = new List<double>();
        var cpuBare = new List<double>();
        var cpuKernel = new List<double>();
        for (int round = 0; round < rounds; round++)
        {
            double before = CpuSeconds();
            var (made, gone, _) = await Cycle(space, withKernel: false);
            cpuBare.Add(CpuSeconds() - before);
            create.Add(made);
            remove.Add(gone);
            before = CpuSeconds();
            var (_, goneAfterRun, ran) = await Cycle(space, withKernel: true);
            cpuKernel.Add(CpuSeconds() - before);
            firstRun.Add(ran);
            removeWithKernel.Add(goneAfterRun);
        }
        Console.WriteLine($"\nA session's own cost, {rounds} rounds, no spares\n\n{Stats.Header}");
        Console.WriteLine(new Stats("make a session (no kernel)", create).Row());
        Console.WriteLine(new Stats("remove it", remove).Row());
        Console.WriteLine(new Stats("first Python run (kernel start)", firstRun).Row());
        Console.WriteLine(new Stats("remove a session with a kernel", removeWithKernel).Row());
        Console.WriteLine(new Stats("CPU: make + remove, no kernel (engine + its children)", cpuBare).Row());
        Console.WriteLine(new Stats("CPU: make + Python 1+1 + remove (engine + its children)", cpuKernel).Row());
    }

    private static async Task<(double Made, double Removed, double FirstRun)> Cycle(LocalCodeSpace space, bool withKernel)
    {
        var clock = Stopwatch.StartNew();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        double made = clock.Elapsed.TotalSeconds;
        double ran = 0;
        if (withKernel)
        {
            clock.Restart();
            var result = await session.RunAsync(new RunRequest("1+1", "python", 60));
            if (!result.Success)
                throw new InvalidOperationException(result.ErrorMessage);
            ran = clock.Elapsed.TotalSeconds;
        }
        clock.Restart();
        await space.DeleteSessionAsync(session.Id);
        return (made, clock.Elapsed.TotalSeconds, ran);
    }

    /// <summary>utime + stime + cutime + cstime of this process, in seconds.</summary>
    private static double CpuSeconds()
    {
        string stat = File.ReadAllText("/proc/self/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = Enumerable.Range(11, 4).Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));   // fields 14-17
        return ticks / 100.0;
    }
}
