namespace AgbCode.Engine.Platform;

/// <summary>
/// Which host uid a session's code runs as. A root engine gives each session its own unprivileged uid (base + slot),
/// skipping uids that belong to accounts, subordinate-id ranges or running processes. A non-root engine has only its own.
/// </summary>
internal sealed class UidPolicy
{
    public const string BaseVariable = "AGBCODE_UID_BASE";
    public const uint DefaultBase = 2_000_000;

    private readonly List<(uint First, uint Count)> _reserved;

    private UidPolicy(bool perSessionUids, uint baseUid, List<(uint, uint)> reserved)
    {
        PerSessionUids = perSessionUids;
        Base = baseUid;
        _reserved = reserved;
    }

    public bool PerSessionUids { get; }
    public uint Base { get; }

    public static UidPolicy For(StateRoot root)
    {
        if (!root.IsRoot)
            return new UidPolicy(false, 0, []);
        uint baseUid = uint.TryParse(Environment.GetEnvironmentVariable(BaseVariable), out uint configured) && configured >= 1000
            ? configured : DefaultBase;
        var reserved = new List<(uint, uint)>();
        foreach (string file in new[] { "/etc/subuid", "/etc/subgid" })
            reserved.AddRange(ReadRanges(file, fields => (fields.Length >= 3, fields.Length >= 3 ? fields[1] : "", fields.Length >= 3 ? fields[2] : "")));
        foreach (string file in new[] { "/etc/passwd", "/etc/group" })
            reserved.AddRange(ReadRanges(file, fields => (fields.Length >= 3, fields.Length >= 3 ? fields[2] : "", "1")));
        return new UidPolicy(true, baseUid, reserved);
    }

    public uint UidFor(int slot) => Base + (uint)slot;

    /// <summary>
    /// Whether a slot's uid is free: no account, subordinate range or living process has it. The processes are read
    /// once per check made here, at the first slot that needs them (one pass over /proc per allocation, not per slot).
    /// </summary>
    public Predicate<int> FreeCheck()
    {
        if (!PerSessionUids)
            return _ => true;
        HashSet<uint>? living = null;
        return slot =>
        {
            uint uid = UidFor(slot);
            return !_reserved.Any(r => uid >= r.First && uid - r.First < r.Count) && !(living ??= ProcessTable.LivingUids()).Contains(uid);
        };
    }

    private static IEnumerable<(uint, uint)> ReadRanges(string file, Func<string[], (bool Ok, string First, string Count)> parse)
    {
        if (!File.Exists(file))
            yield break;
        foreach (string line in File.ReadLines(file))
        {
            var (ok, first, count) = parse(line.Split(':'));
            if (ok && uint.TryParse(first, out uint f) && uint.TryParse(count, out uint c))
                yield return (f, c);
        }
    }
}
