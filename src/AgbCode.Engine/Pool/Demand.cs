namespace AgbCode.Engine.Pool;

/// <summary>
/// What the pool should hold, learned from the requests: per kind of spare (a language, or <see cref="NoKernel"/>), as
/// many spares as requests for it came within the idle-release time, the most recently asked for first, all kinds
/// together at most the pool's maximum, and never fewer than the floor for the kind asked for last.
/// </summary>
/// <remarks>
/// A kind's requests do not age while spares of it are being made: the idle-release time counts from when the pool has
/// stopped making them. Measured on the wall clock alone, a burst's requests aged out while slow spares (a Java kernel
/// on a loaded host takes seconds) were still being made, and each spare was released as soon as it was ready, its
/// start wasted.
/// </remarks>
internal sealed class Demand(PoolSettings settings)
{
    /// <summary>The kind of a spare that holds no kernel (made for requests that name no language).</summary>
    public const string NoKernel = "";

    private readonly Dictionary<string, Queue<long>> _requests = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (int Count, long Since)> _making = new(StringComparer.Ordinal);
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

    /// <summary>The pool started making a spare of this kind: its requests stop aging until none is being made.</summary>
    public void Started(string kind, long now)
    {
        lock (_requests)
        {
            var (count, since) = _making.GetValueOrDefault(kind);
            _making[kind] = (count + 1, count == 0 ? now : since);
        }
    }

    /// <summary>
    /// A spare of this kind is done (made or failed). When it was the last being made, its requests' times move ahead by
    /// the time spent making, so they age from now as they stood when the making began.
    /// </summary>
    public void Finished(string kind, long now)
    {
        lock (_requests)
        {
            var (count, since) = _making.GetValueOrDefault(kind);
            if (count > 1)
            {
                _making[kind] = (count - 1, since);
                return;
            }
            _making.Remove(kind);
            if (count == 1 && _requests.TryGetValue(kind, out Queue<long>? times))
                _requests[kind] = new Queue<long>(times.Select(t => t < since ? t + (now - since) : now));
        }
    }

    /// <summary>The number of spares wanted per kind now; kinds not named want none.</summary>
    public IReadOnlyDictionary<string, int> Targets(long now)
    {
        var targets = new Dictionary<string, int>(StringComparer.Ordinal);
        lock (_requests)
        {
            long window = (long)settings.IdleRelease.TotalMilliseconds;
            foreach (var (kind, times) in _requests)
            {
                long clock = _making.TryGetValue(kind, out var making) ? making.Since : now;   // paused while making
                while (times.Count > 0 && clock - times.Peek() > window)
                    times.Dequeue();
            }
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
