using System.Diagnostics;

namespace AgbCode.Bench;

internal static class Command
{
    /// <summary>Seconds from the start of a program (with an empty environment) to its exit.</summary>
    public static double Time(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { UseShellExecute = false };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment.Clear();
        long start = Stopwatch.GetTimestamp();
        using Process process = Process.Start(info)!;
        process.WaitForExit();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
