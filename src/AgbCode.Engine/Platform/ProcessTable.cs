using System.Buffers.Text;
using Microsoft.Win32.SafeHandles;

namespace AgbCode.Engine.Platform;

/// <summary>The host's processes as /proc shows them (zombies are dead: they hold nothing but a pid until reaped).</summary>
internal static class ProcessTable
{
    // /proc/<pid>/status puts State and Uid in its first ~10 lines (under 400 bytes); the rest is not read.
    private const int StatusHead = 1024;

    /// <summary>Living processes of a uid.</summary>
    public static IReadOnlyList<int> ProcessesOf(uint uid) => [.. Processes().Where(p => p.Uid == uid).Select(p => p.Pid)];

    /// <summary>The real uids of all living processes, from one pass over /proc.</summary>
    public static HashSet<uint> LivingUids() => [.. Processes().Select(p => p.Uid)];

    /// <summary>Threads of a uid's living processes: what RLIMIT_NPROC counts.</summary>
    public static int ThreadsOf(uint uid) => Processes().Where(p => p.Uid == uid).Sum(p => ThreadCount(p.Pid));

    private static int ThreadCount(int pid)
    {
        try
        {
            return Directory.EnumerateDirectories($"/proc/{pid}/task").Count();
        }
        catch (IOException)
        {
            return 0;   // it ended while we looked
        }
    }

    /// <summary>Living processes with their real uids.</summary>
    public static IEnumerable<(int Pid, uint Uid)> Processes()
    {
        byte[] buffer = new byte[StatusHead];
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out int pid) && RealUidIfLiving(Path.Combine(dir, "status"), buffer) is uint uid)
                yield return (pid, uid);
        }
    }

    // The first field of the Uid line, or null for a zombie or a process that ended while we looked. Parsed from the bytes
    // of one read: this runs for every process on the host, for every session made.
    private static uint? RealUidIfLiving(string statusFile, byte[] buffer)
    {
        int length;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(statusFile);
            length = RandomAccess.Read(handle, buffer, 0);
        }
        catch (IOException)
        {
            return null;   // it ended while we looked
        }
        ReadOnlySpan<byte> text = buffer.AsSpan(0, length);
        ReadOnlySpan<byte> state = ValueOf(text, "\nState:\t"u8);
        if (state.IsEmpty || state[0] == (byte)'Z')
            return null;
        return Utf8Parser.TryParse(ValueOf(text, "\nUid:\t"u8), out uint uid, out _) ? uid : null;
    }

    private static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> text, ReadOnlySpan<byte> key)
    {
        int at = text.IndexOf(key);
        return at < 0 ? default : text[(at + key.Length)..];
    }
}
