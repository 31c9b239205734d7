using System.Diagnostics;

namespace AgbCode.Engine.Host;

/// <summary>Runs a short host tool (mkfs, mount, umount, bwrap --version) and fails with its own error text.</summary>
internal static class HostCommand
{
    public static string Run(string file, params string[] arguments)
    {
        var (exitCode, output) = TryRun(file, arguments);
        if (exitCode != 0)
            throw new IOException($"{Path.GetFileName(file)} {string.Join(' ', arguments)} failed (exit code {exitCode}): {output.Trim()}");
        return output;
    }

    public static (int ExitCode, string Output) TryRun(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        info.Environment["LC_ALL"] = "C";
        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + error.Result);
    }

    /// <summary>The first existing path among the candidates, or null.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
