using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// Starts every sandbox from one dedicated thread that lives as long as the engine. bwrap's --die-with-parent
/// (PR_SET_PDEATHSIG) fires when the thread that forked it exits, so a pool thread retiring would kill sessions.
/// </summary>
internal sealed class Spawner
{
    private readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> _requests = [];

    public Spawner()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "agbcode-spawner" };
        thread.Start();
    }

    public Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((info, started));
        return started.Task;
    }

    private void Run()
    {
        foreach (var (info, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                started.SetResult(Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start."));
            }
            catch (Exception failure)
            {
                started.SetException(failure);
            }
        }
    }
}
