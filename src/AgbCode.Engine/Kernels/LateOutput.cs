using System.Text;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// What a kernel sends between runs: output (kept up to the cap and handed to the next run, first) and the volume of
/// everything it sent, which an honest driver keeps under the same bound as a run's. Reset when a run begins.
/// </summary>
internal sealed class LateOutput(long cap)
{
    /// <summary>Each switch between stdout and stderr starts a part; it counts this much against the cap too.</summary>
    private const int PartOverhead = 64;
    private readonly List<(string Name, StringBuilder Text)> _parts = [];
    private long _kept;
    private long _received;

    /// <summary>Counts one message line; false past what an honest driver sends between runs.</summary>
    public bool Receive(int lineBytes) => (_received += lineBytes) <= OutputBounds.HonestVolume(cap);

    public void Keep(string name, string text)
    {
        bool newPart = _parts.Count == 0 || _parts[^1].Name != name;
        long cost = Encoding.UTF8.GetByteCount(text) + (newPart ? PartOverhead : 0);
        if (_kept + cost > cap)
            return;
        _kept += cost;
        if (newPart)
            _parts.Add((name, new StringBuilder(text)));
        else
            _parts[^1].Text.Append(text);
    }

    /// <summary>Gives the kept output to the run that begins, and starts counting afresh.</summary>
    public void HandTo(RunRecorder recorder)
    {
        foreach (var (name, text) in _parts)
            recorder.Stream(name, text.ToString());
        _parts.Clear();
        _kept = 0;
        _received = 0;
    }
}
