using System.Collections.Concurrent;
using System.Diagnostics;
using AgbCode.Core.Sessions;
using AgbCode.Engine;
using AgbCode.Engine.Platform;

namespace AgbCode.Bench;

/// <summary>
/// Many sessions at once across the four languages, each running many runs that print sequence-numbered lines:
/// every run's output must arrive complete, once and in order; the engine's memory must stay flat; nothing left after.
/// </summary>
internal static class Load
{
    private const int LinesPerRun = 20;

    private static readonly Dictionary<string, string> Printers = new()
    {
        ["python"] = "for i in range({0}): print('{1}', i)",
        ["javascript"] = "for (let i = 0; i < {0}; i++) console.log('{1}', i)",
        ["java"] = "for (int i = 0; i < {0}; i++) System.out.println(\"{1} \" + i);",
        ["r"] = "for (i in 0:({0} - 1)) cat('{1}', i, '\\n')",
    };

    public static async Task Run(int sessions, int runsPerSession)
    {
        await using var space = new LocalCodeSpace();
        string[] languages = [.. Printers.Keys];
        var created = new List<ICodeSession>();
        for (int s = 0; s < sessions; s++)
            created.Add(await space.CreateSessionAsync(new SessionOptions { StartLanguages = [languages[s % languages.Length]] }));
        var footprints = created.Cast<LocalSession>().Select(s => s.Footprint).ToList();

        var memory = new ConcurrentBag<(double At, long Managed, long Resident)>();
        var clock = Stopwatch.StartNew();
        using var sampler = new Timer(_ => memory.Add((clock.Elapsed.TotalSeconds, GC.GetTotalMemory(false), Environment.WorkingSet)), null, 0, 500);
        long lost = 0, wrong = 0, failed = 0, runs = 0;
        await Task.WhenAll(created.Select((session, index) => Task.Run(async () =>
        {
            string language = languages[index % languages.Length];
            for (int r = 0; r < runsPerSession; r++)
            {
                string tag = $"s{index}-r{r}";
                string code = string.Format(System.Globalization.CultureInfo.InvariantCulture, Printers[language], LinesPerRun, tag);
                var result = await session.RunAsync(new RunRequest(code, language, 120));
                Interlocked.Increment(ref runs);
                if (!result.Success)
                {
                    Interlocked.Increment(ref failed);
                    continue;
                }
                string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray();
                string[] expected = [.. Enumerable.Range(0, LinesPerRun).Select(i => $"{tag} {i}")];
                Interlocked.Add(ref lost, Math.Max(0, expected.Length - lines.Length));
                if (!lines.SequenceEqual(expected))
                    Interlocked.Increment(ref wrong);
            }
        })));
        double elapsed = clock.Elapsed.TotalSeconds;
        sampler.Dispose();
        GC.Collect();
        long managedAfter = GC.GetTotalMemory(true);
        foreach (ICodeSession session in created)
            await space.DeleteSessionAsync(session.Id);
        int leftovers = footprints.Sum(f => HostInventory.Leftovers(f).Count);

        var samples = memory.OrderBy(m => m.At).ToList();
        Console.WriteLine($"\nLoad: {sessions} sessions across {string.Join(", ", languages)}, {runsPerSession} runs each, {LinesPerRun} numbered lines per run\n");
        Console.WriteLine("| measure | value |\n|---|---|");
        Console.WriteLine($"| runs | {runs} in {elapsed:0.0} s ({runs / elapsed:0} runs/s) |");
        Console.WriteLine($"| runs that failed | {failed} |");
        Console.WriteLine($"| runs whose lines were lost, duplicated or out of order | {wrong} (lines lost: {lost}) |");
        Console.WriteLine($"| engine managed heap: first / max / last sample / after GC | {Mb(samples[0].Managed)} / {Mb(samples.Max(m => m.Managed))} / {Mb(samples[^1].Managed)} / {Mb(managedAfter)} |");
        Console.WriteLine($"| engine resident memory: first / max / last sample | {Mb(samples[0].Resident)} / {Mb(samples.Max(m => m.Resident))} / {Mb(samples[^1].Resident)} |");
        Console.WriteLine($"| left on the host after removing the sessions | {leftovers} |");
    }

    private static string Mb(long bytes) => $"{bytes / (1024.0 * 1024):0} MiB";
}
