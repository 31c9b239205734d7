using System.Diagnostics;
using System.Formats.Tar;
using System.Globalization;
using System.IO.Pipelines;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// 100 MiB in and out of a session's workspace (one file, and 1,000 files) against `cp` of the same data on this machine,
/// interleaved. "In" is host files → tar stream (TarWriter) → UploadAsync; "out" is DownloadAsync → tar stream →
/// TarFile extraction to a host folder: what a Copy-AgbItem does. Also the cost of one small operation on the session's
/// kept-alive file helper, beside a shell command (which still starts a sandbox).
/// </summary>
internal static class FilesBench
{
    private const int Total = 100 * 1024 * 1024;
    private const int SmallFiles = 1000;

    public static async Task RunAsync(int rounds)
    {
        string root = Directory.CreateTempSubdirectory("agbcode-files-bench-").FullName;
        try
        {
            string big = Path.Combine(root, "big");
            string many = Path.Combine(root, "many");
            Directory.CreateDirectory(big);
            Directory.CreateDirectory(many);
            byte[] data = new byte[Total];
            new Random(7).NextBytes(data);
            await File.WriteAllBytesAsync(Path.Combine(big, "big.bin"), data);
            int size = Total / SmallFiles;
            for (int i = 0; i < SmallFiles; i++)
                await File.WriteAllBytesAsync(Path.Combine(many, $"f{i:0000}.bin"), data.AsMemory(i * size, size).ToArray());

            await using var space = new LocalCodeSpace();
            ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
            IWorkspaceFiles files = session.Files;
            var rows = new Dictionary<string, List<double>>();
            void Add(string name, double seconds) => (rows.TryGetValue(name, out var list) ? list : rows[name] = []).Add(seconds);

            for (int round = 0; round < rounds; round++)   // interleaved: each round measures every variant once
            {
                foreach (var (label, source) in new[] { ("1 file of 100 MiB", big), ("1,000 files of 100 KiB", many) })
                {
                    string copy = Path.Combine(root, "cp-copy");
                    Add($"`cp -r`, {label}", Command.Time("/bin/cp", "-r", source, copy));
                    Directory.Delete(copy, recursive: true);

                    long start = Stopwatch.GetTimestamp();
                    await UploadFolderAsync(files, source, "bench");
                    Add($"AgbCode in (tar → UploadAsync), {label}", Stopwatch.GetElapsedTime(start).TotalSeconds);

                    start = Stopwatch.GetTimestamp();   // the same cgroup and CPU share as the helper: what the sandbox costs
                    ShellResult copied = await files.ShellAsync("cp -r bench bench-copy && rm -r bench-copy", null, null, TimeSpan.FromMinutes(5));
                    Add($"`cp -r` + `rm -r` inside the session's sandbox (ShellAsync), {label}", Stopwatch.GetElapsedTime(start).TotalSeconds);
                    if (copied.ExitCode != 0)
                        throw new InvalidOperationException(copied.Stderr);

                    string back = Path.Combine(root, "back");
                    Directory.CreateDirectory(back);
                    start = Stopwatch.GetTimestamp();
                    await DownloadFolderAsync(files, "bench", back);
                    Add($"AgbCode out (DownloadAsync → tar → files), {label}", Stopwatch.GetElapsedTime(start).TotalSeconds);
                    Verify(source, Path.Combine(back, "bench"));
                    Directory.Delete(back, recursive: true);
                    await files.RemoveAsync("bench", recurse: true);
                }
            }
            var small = new List<double>();
            var shell = new List<double>();
            for (int i = 0; i < 50; i++)
            {
                long start = Stopwatch.GetTimestamp();
                await files.GetItemAsync("nothing-here");
                small.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
                start = Stopwatch.GetTimestamp();
                await files.ShellAsync("true", null, null, TimeSpan.FromSeconds(30));
                shell.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
            }

            Console.WriteLine($"\nWorkspace files: 100 MiB in and out ({rounds} rounds, interleaved with `cp`)\n\n{Stats.Header}");
            foreach (var (name, seconds) in rows)
                Console.WriteLine(new Stats(name, seconds).Row());
            foreach (string label in new[] { "1 file of 100 MiB", "1,000 files of 100 KiB" })
            {
                double cp = new Stats("", rows[$"`cp -r`, {label}"]).Median;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"\nratio of medians to cp, {label}: in {new Stats("", rows[$"AgbCode in (tar → UploadAsync), {label}"]).Median / cp:0.00}, " +
                    $"out {new Stats("", rows[$"AgbCode out (DownloadAsync → tar → files), {label}"]).Median / cp:0.00}"));
            }
            Console.WriteLine($"\nOne small operation (50 each)\n\n{Stats.Header}");
            Console.WriteLine(new Stats("GetItemAsync (the session's kept-alive file helper)", small).Row());
            Console.WriteLine(new Stats("ShellAsync(\"true\") (/bin/sh in a fresh sandbox)", shell).Row());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The folder as a tar stream written while the session reads it (nothing buffered whole).</summary>
    private static async Task UploadFolderAsync(IWorkspaceFiles files, string folder, string destination)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        Task writing = Task.Run(async () =>
        {
            await using Stream output = pipe.Writer.AsStream();
            await TarFile.CreateFromDirectoryAsync(folder, output, includeBaseDirectory: false);
        });
        await using Stream input = pipe.Reader.AsStream();
        await files.UploadAsync(input, destination);
        await writing;
    }

    private static async Task DownloadFolderAsync(IWorkspaceFiles files, string path, string destination)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        Task reading = Task.Run(async () =>
        {
            await using Stream input = pipe.Reader.AsStream();
            await TarFile.ExtractToDirectoryAsync(input, destination, overwriteFiles: false);
        });
        await using (Stream output = pipe.Writer.AsStream())
            await files.DownloadAsync([path], output);
        await reading;
    }

    private static void Verify(string expected, string actual)
    {
        foreach (string file in Directory.EnumerateFiles(expected))
        {
            string copy = Path.Combine(actual, Path.GetFileName(file));
            if (new FileInfo(copy).Length != new FileInfo(file).Length)
                throw new InvalidOperationException($"{copy} differs from {file}");
        }
    }
}
