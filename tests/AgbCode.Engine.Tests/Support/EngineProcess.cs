using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// The engine in a process of its own (tests/AgbCode.Engine.TestHost), for tests that kill it or run it as another
/// user. Commands are JSON lines; see its Program.cs.
/// </summary>
internal sealed class EngineProcess : IDisposable
{
    private readonly Process _process;

    private EngineProcess(Process process) => _process = process;

    public int Pid => _process.Id;

    public static EngineProcess Start(IReadOnlyList<string>? runAs = null, IDictionary<string, string>? environment = null)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);             // tests/<project>/bin/<configuration>/<tfm>
        DirectoryInfo tests = output.Parent!.Parent!.Parent!.Parent!;
        string host = Path.Combine(tests.FullName, "AgbCode.Engine.TestHost", "bin", output.Parent!.Name, output.Name, "AgbCode.Engine.TestHost.dll");
        Assert.True(File.Exists(host), $"the test host was not built: {host}");
        var command = new List<string>(runAs ?? []) { "/usr/bin/dotnet", host };
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in command.Skip(1))
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return new EngineProcess(Process.Start(info)!);
    }

    public JsonNode Send(object command, TimeSpan? timeout = null)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(command));
        _process.StandardInput.Flush();
        Task<string?> line = _process.StandardOutput.ReadLineAsync();
        if (!line.Wait(timeout ?? TimeSpan.FromSeconds(60)) || line.Result is null)
            throw new InvalidOperationException($"the engine process did not answer {JsonSerializer.Serialize(command)}: {_process.StandardError.ReadToEnd()}");
        JsonNode answer = JsonNode.Parse(line.Result)!;
        if (answer["error"] is JsonNode error)
            throw new InvalidOperationException($"the engine process failed: {error}");
        return answer;
    }

    /// <summary>Writes a command without waiting for its answer (to kill the engine while it runs).</summary>
    public void Post(object command)
    {
        _process.StandardInput.WriteLine(JsonSerializer.Serialize(command));
        _process.StandardInput.Flush();
    }

    public void KillHard() => _process.Kill();

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.StandardInput.Close();
            if (!_process.WaitForExit(30_000))
                _process.Kill();
        }
        _process.Dispose();
    }

    public static SessionFootprint Footprint(JsonNode created) =>
        created["footprint"].Deserialize<SessionFootprint>()!;
}
