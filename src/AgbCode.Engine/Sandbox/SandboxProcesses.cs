using System.Globalization;

namespace AgbCode.Engine.Sandbox;

/// <summary>Finds a sandbox's processes from the outer bwrap's host pid, through /proc/PID/task/PID/children.</summary>
internal static class SandboxProcesses
{
    /// <summary>
    /// The driver: the child of the sandbox's init (the inner bwrap), itself the outer bwrap's child. With a network the
    /// launcher's pid is pasta's, and the outer bwrap is its child.
    /// </summary>
    public static int? DriverPid(int launcherPid, bool networked)
    {
        int outerPid = networked ? Children(launcherPid).FirstOrDefault() : launcherPid;
        if (outerPid == 0)
            return null;
        int? init = Children(outerPid).FirstOrDefault() is var first && first != 0 ? first : null;
        if (init is null)
            return null;
        int driver = Children(init.Value).FirstOrDefault();
        return driver == 0 ? null : driver;
    }

    /// <summary>Every process below this one, whichever of its threads started it.</summary>
    public static IReadOnlySet<int> Descendants(int pid)
    {
        var found = new HashSet<int>();
        var pending = new Stack<int>([pid]);
        while (pending.TryPop(out int parent))
        {
            foreach (int child in ChildrenOfAllThreads(parent))
                if (found.Add(child))
                    pending.Push(child);
        }
        return found;
    }

    /// <summary>Whether the process has exited and waits to be reaped (a zombie cannot do anything any more).</summary>
    public static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int end = stat.LastIndexOf(')');
            return end < 0 || end + 2 >= stat.Length || stat[end + 2] is 'Z' or 'X';
        }
        catch (IOException)
        {
            return true;   // already gone
        }
    }

    private static IEnumerable<int> ChildrenOfAllThreads(int pid)
    {
        string[] threads;
        try
        {
            threads = Directory.GetDirectories($"/proc/{pid}/task");
        }
        catch (IOException)
        {
            return [];
        }
        return threads.SelectMany(thread => Children(pid, Path.GetFileName(thread)));
    }

    public static IReadOnlyList<int> Children(int pid) => Children(pid, pid.ToString(CultureInfo.InvariantCulture));

    private static IReadOnlyList<int> Children(int pid, string thread)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/task/{thread}/children");
            return [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
