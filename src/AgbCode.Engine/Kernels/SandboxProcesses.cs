using System.Globalization;

namespace AgbCode.Engine.Kernels;

/// <summary>Finds a sandbox's processes from the outer bwrap's host pid, through /proc/PID/task/PID/children.</summary>
internal static class SandboxProcesses
{
    /// <summary>The driver: the child of the sandbox's init (the inner bwrap), itself the outer bwrap's child.</summary>
    public static int? DriverPid(int outerPid)
    {
        int? init = Children(outerPid).FirstOrDefault() is var first && first != 0 ? first : null;
        if (init is null)
            return null;
        int driver = Children(init.Value).FirstOrDefault();
        return driver == 0 ? null : driver;
    }

    public static IReadOnlyList<int> Children(int pid)
    {
        try
        {
            string text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
            return [.. text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
