using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using AgbCode.Client;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SessionOptions = AgbCode.Core.Sessions.SessionOptions;

namespace AgbCode.Bench;

/// <summary>
/// Files into and out of a remote session: the AgbCode client's Files (tar → write_file chunks, read_file chunks →
/// tar) against the server on loopback, with the chunk the server declares (4 MiB), one call at a time and with the
/// default calls in flight, beside `cp` of the same data on this machine, in one run. One large file and many small
/// ones; each measured `runs` times.
/// </summary>
internal static class RemoteFilesBench
{
    private const string Key = BenchServer.Key;

    public static async Task RunAsync(long largeBytes, int smallFiles, int smallBytes, int runs)
    {
        await using WebApplication app = await BenchServer.StartAsync();
        string source = Directory.CreateTempSubdirectory("agb-bench-files-").FullName;
        try
        {
            byte[] large = new byte[largeBytes];
            Random.Shared.NextBytes(large);
            Directory.CreateDirectory(Path.Combine(source, "small"));
            await File.WriteAllBytesAsync(Path.Combine(source, "large.bin"), large);
            for (int i = 0; i < smallFiles; i++)
                await File.WriteAllBytesAsync(Path.Combine(source, "small", $"f{i:D4}.bin"), large.AsSpan(0, smallBytes).ToArray());

            var rows = new List<Stats>();
            string Size(long bytes) => bytes >= 1 << 20 ? $"{bytes >> 20} MiB" : $"{bytes >> 10} KiB";
            (string Name, string Path, byte[] Tar)[] items =
            [
                ($"one {Size(largeBytes)} file", Path.Combine(source, "large.bin"), Tar(Path.Combine(source, "large.bin"))),
                ($"{smallFiles} files of {Size(smallBytes)}", Path.Combine(source, "small"), Tar(Path.Combine(source, "small"))),
            ];
            foreach (var item in items)
                rows.Add(await MeasureAsync($"cp -r: {item.Name}", runs, run => Cp(item.Path, $"{item.Path}.copy{run}")));
            foreach (int parallel in new[] { 1, new AgbClientOptions().FileParallelCalls })
            {
                await using var space = new AgbCloudSpace(new Uri(app.Urls.Single()), Key, new AgbClientOptions { UseWebSocket = false, FileParallelCalls = parallel });
                ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
                foreach (var item in items)
                {
                    string per = $"client, {parallel} call{(parallel == 1 ? "" : "s")} in flight: {item.Name}";
                    rows.Add(await MeasureAsync($"{per} in", runs, run => session.Files.UploadAsync(new MemoryStream(item.Tar), $"in{run}")));
                    rows.Add(await MeasureAsync($"{per} out", runs, run => session.Files.DownloadAsync([$"in{run}/{Path.GetFileName(item.Path)}"], Stream.Null)));
                }
                await space.DeleteSessionAsync(session.Id);
            }
            Console.WriteLine($"\nFiles in and out of a remote session (server on loopback, {runs} runs each)\n\n{Stats.Header}");
            foreach (Stats row in rows)
                Console.WriteLine(row.Row());
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"\nagainst cp (ratio of medians, default client): large file in {rows[^4].Median / rows[0].Median:0.0}x, out {rows[^3].Median / rows[0].Median:0.0}x; " +
                $"small files in {rows[^2].Median / rows[1].Median:0.0}x, out {rows[^1].Median / rows[1].Median:0.0}x"));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    private static Task Cp(string from, string to)
    {
        using (Process cp = Process.Start("cp", ["-r", from, to])!)
            cp.WaitForExit();
        return Task.CompletedTask;
    }

    private static byte[] Tar(string path)
    {
        var archive = new MemoryStream();
        if (Directory.Exists(path))
            TarFile.CreateFromDirectory(path, archive, includeBaseDirectory: true);
        else
            using (var writer = new TarWriter(archive, leaveOpen: true))
                writer.WriteEntry(path, Path.GetFileName(path));
        return archive.ToArray();
    }

    private static async Task<Stats> MeasureAsync(string name, int runs, Func<int, Task> action)
    {
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            long start = Stopwatch.GetTimestamp();
            await action(i);
            times.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        Console.Error.WriteLine($"  measured: {name}");   // progress while the table waits for the end
        return new Stats(name, times);
    }
}
