namespace AgbCode.Engine.Platform;

/// <summary>
/// What this engine holds on the host (slots, cgroups, mounts, images, folders), written down before each thing is
/// created so that, if the engine dies, its guardian or the next engine to start can remove it all (reap.sh reads
/// the file newest line first). The file is replaced atomically on every change.
/// </summary>
internal sealed class EngineLedger
{
    private readonly object _gate = new();
    private readonly List<LedgerEntry> _entries = [];
    private readonly string _path;

    public EngineLedger(string path)
    {
        _path = path;
        Save();
    }

    public string Path => _path;

    public LedgerEntry Add(string kind, string value)
    {
        if (value.Contains('\n'))
            throw new ArgumentException("A ledger value cannot contain a line break.", nameof(value));
        var entry = new LedgerEntry(kind, value);
        lock (_gate)
        {
            _entries.Add(entry);
            Save();
        }
        return entry;
    }

    public void Remove(LedgerEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Remove(entry))
                Save();
        }
    }

    public IReadOnlyList<LedgerEntry> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    private void Save()
    {
        string temporary = _path + ".new";
        File.WriteAllLines(temporary, _entries.Select(e => $"{e.Kind} {e.Value}"));
        File.Move(temporary, _path, overwrite: true);
    }
}

/// <summary>One held resource. Kinds: slot, image, dir, mountpoint, mount, cgroup1, cgroup2; runtime (in use, not removed).</summary>
internal sealed record LedgerEntry(string Kind, string Value)
{
    public const string Slot = "slot";
    public const string Image = "image";
    public const string Directory = "dir";
    public const string MountPoint = "mountpoint";
    public const string Mount = "mount";
    public const string CgroupV1 = "cgroup1";
    public const string CgroupV2 = "cgroup2";
    public const string Runtime = "runtime";
}
