using System.Text;

namespace AgbCode.Engine.Platform;

/// <summary>
/// What this engine holds on the host (slots, cgroups, mounts, images, folders), written down before each thing is
/// created so that, if the engine dies, its guardian or the next engine to start can remove it all (reap.sh reads
/// the file newest line first).
/// </summary>
/// <remarks>
/// The file is a log: a thing held is a line <c>KIND VALUE</c> appended before it is made, a thing let go a line
/// <c>gone KIND VALUE</c> appended after it is removed; a reader cancels each <c>gone</c> line against the newest
/// older line it names (<see cref="Read"/>, reap.sh). Each change is one append of a whole line in one write, so a
/// process killed at any point leaves a file that lists everything it may hold. Once the cancelled lines outnumber the
/// held ones, the file is replaced, atomically, by the held lines alone. Before, every change rewrote the file and
/// renamed it over the old one: a new inode made and an old one freed, about 30 times a session.
/// </remarks>
internal sealed class EngineLedger : IDisposable
{
    /// <summary>The kind of the line that lets go of an earlier one.</summary>
    public const string Gone = "gone";

    // Compaction waits for this many cancelled lines at least, so that a small ledger is not rewritten at every removal.
    private const int CompactAfter = 64;

    private readonly object _gate = new();
    private readonly List<LedgerEntry> _entries = [];
    private readonly string _path;
    private FileStream? _file;   // open for appending; closed by Dispose, opened again by a change after it
    private int _lines;

    public EngineLedger(string path)
    {
        _path = path;
        _file = Rewrite();
    }

    public string Path => _path;

    public LedgerEntry Add(string kind, string value)
    {
        if (value.Contains('\n'))
            throw new ArgumentException("A ledger value cannot contain a line break.", nameof(value));
        var entry = new LedgerEntry(kind, value);
        lock (_gate)
        {
            Append(Line(entry));
            _entries.Add(entry);
        }
        return entry;
    }

    public void Remove(LedgerEntry entry)
    {
        lock (_gate)
        {
            if (!_entries.Remove(entry))
                return;
            if (_lines - _entries.Count > Math.Max(CompactAfter, _entries.Count))
            {
                _file?.Dispose();
                _file = Rewrite();
            }
            else
                Append($"{Gone} {Line(entry)}");
        }
    }

    public IReadOnlyList<LedgerEntry> Entries
    {
        get { lock (_gate) return [.. _entries]; }
    }

    /// <summary>The things a ledger file lists as held: its lines, less those a later <c>gone</c> line cancels.</summary>
    public static IReadOnlyList<LedgerEntry> Read(string path)
    {
        var held = new List<LedgerEntry>();
        var cancelled = new Dictionary<string, int>(StringComparer.Ordinal);
        string text = File.ReadAllText(path);
        // A last line without its newline was cut short (a crash mid-write) and names nothing that was made, as in reap.sh.
        string[] lines = text[..(text.LastIndexOf('\n') + 1)].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int i = lines.Length - 1; i >= 0; i--)
        {
            string line = lines[i];
            int space = line.IndexOf(' ');
            if (space <= 0)
                continue;
            if (line[..space] == Gone)
            {
                string named = line[(space + 1)..];
                cancelled[named] = cancelled.GetValueOrDefault(named) + 1;
            }
            else if (cancelled.GetValueOrDefault(line) is int count && count > 0)
                cancelled[line] = count - 1;
            else
                held.Add(new LedgerEntry(line[..space], line[(space + 1)..]));
        }
        held.Reverse();
        return held;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    private static string Line(LedgerEntry entry) => $"{entry.Kind} {entry.Value}";

    private void Append(string line)
    {
        _file ??= OpenForAppending();
        long before = _file.Length;
        try
        {
            _file.Write(Encoding.UTF8.GetBytes(line + "\n"));   // unbuffered: one write(2) per line
        }
        catch (IOException)
        {
            _file.SetLength(before);   // a line cut short (a full disk) would name a path it never meant
            throw;
        }
        _lines++;
    }

    // Replaces the file by the held lines (written aside, then renamed over it) and opens it for appending.
    private FileStream Rewrite()
    {
        string temporary = _path + ".new";
        File.WriteAllLines(temporary, _entries.Select(Line));
        File.Move(temporary, _path, overwrite: true);
        _lines = _entries.Count;
        return OpenForAppending();
    }

    private FileStream OpenForAppending() =>
        new(_path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
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
