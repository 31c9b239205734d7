using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Engine;
using AgbCode.Engine.Platform;

namespace AgbCode.Bench;

/// <summary>
/// SIGKILL an engine process holding two sessions with running kernels, and time until the host holds nothing of
/// theirs: no process, cgroup, mount, workspace or slot (the guardian's work).
/// </summary>
internal static class CrashCleanup
{
    public static Stats Measure(int trials)
    {
        var seconds = new List<double>();
        for (int i = 0; i < trials; i++)
        {
            using Process engine = StartTestHost();
            var footprints = new List<SessionFootprint>();
            for (int s = 0; s < 2; s++)
            {
                JsonNode created = Send(engine, new { op = "create" });
                footprints.Add(created["footprint"].Deserialize<SessionFootprint>()!);
                Send(engine, new { op = "start", id = (string)created["id"]!, language = "python" });
            }
            long start = Stopwatch.GetTimestamp();
            engine.Kill();
            while (footprints.Any(f => HostInventory.Leftovers(f).Count > 0))
            {
                if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException("the guardian did not clean up within 30 s");
                Thread.Sleep(5);
            }
            seconds.Add(Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        return new Stats("SIGKILL of the engine → nothing left (2 sessions, running kernels)", seconds);
    }

    private static Process StartTestHost()
    {
        // bench/AgbCode.Bench/bin/<configuration>/<tfm>/ → tests/AgbCode.Engine.TestHost/bin/<configuration>/<tfm>/
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        string repository = output.Parent!.Parent!.Parent!.Parent!.Parent!.FullName;
        string host = Path.Combine(repository, "tests", "AgbCode.Engine.TestHost", "bin", output.Parent.Name, output.Name, "AgbCode.Engine.TestHost.dll");
        var info = new ProcessStartInfo("/usr/bin/dotnet", [host]) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        return Process.Start(info)!;
    }

    private static JsonNode Send(Process engine, object command)
    {
        engine.StandardInput.WriteLine(JsonSerializer.Serialize(command));
        engine.StandardInput.Flush();
        JsonNode answer = JsonNode.Parse(engine.StandardOutput.ReadLine()!)!;
        return answer["error"] is null ? answer : throw new InvalidOperationException(answer.ToJsonString());
    }
}
