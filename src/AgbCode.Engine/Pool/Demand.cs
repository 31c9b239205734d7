namespace AgbCode.Engine.Pool;

/// <summary>
/// What the pool should hold, learned from the requests: per kind of spare (a language, or <see cref="NoKernel"/>), as
/// many spares as requests for it came within the idle-release time, the most recently asked for first, all kinds
/// together at most the pool's maximum, and never fewer than the floor for the kind asked for last.
/// </summary>
internal sealed class Demand(PoolSettings settings)
{
    /// <summary>The kind of a spare that holds no kernel (made for requests that name no language).</summary>
    public const string NoKernel = "";

    private readonly Dictionary<string, Queue<long>> _requests = new(StringComparer.Ordinal);
    private string _last = LanguageDefault;

    // Before any request, the floor is kept for Python, the language most runs use.
    private const string LanguageDefault = "python";

    public string Last
    {
        get
        {
            lock (_requests)
                return _last;
        }
    }

    public void Record(string kind, long now)
    {
        lock (_requests)
        {
            if (!_requests.TryGetValue(kind, out Queue<long>? times))
                _requests[kind] = times = new Queue<long>();
            times.Enqueue(now);
            _last = kind;
        }
    }

    /// <summary>The number of spares wanted per kind now; kinds not named want none.</summary>
    public IReadOnlyDictionary<string, int> Targets(long now)
    {
        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_requests)
        {
            long window = (long)settings.IdleRelease.TotalMilliseconds;
            foreach (Queue<long> times in _requests.Values)
                while (times.Count > 0 && now - times.Peek() > window)
                    times.Dequeue();
            int left = settings.Max;
            targets[_last] = Math.Min(Math.Max(Count(_last), settings.Floor), left);
            left -= targets[_last];
            foreach (var (kind, times) in _requests.Where(r => r.Key != _last && r.Value.Count > 0).OrderByDescending(r => r.Value.Last()))
            {
                targets[kind] = Math.Min(times.Count, left);
                left -= targets[kind];
            }
        }
        return targets;
    }

    private int Count(string kind) => _requests.TryGetValue(kind, out Queue<long>? times) ? times.Count : 0;
}
