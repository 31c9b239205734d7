using System.Diagnostics;

namespace AgbCode.Engine.Platform;

/// <summary>
/// Runs a short host tool (mkfs.ext4, chown, e2fsck, losetup, bwrap --version) and fails with its own error text. Each run is bounded by
/// <see cref="Timeout"/> ($env:AGBCODE_HOST_COMMAND_TIMEOUT_SEC) and can be cancelled; a tool that overruns is killed.
/// Async paths use the async forms, so no pool thread waits on a tool.
/// </summary>
internal static class HostCommand
{
    public const string TimeoutSetting = "AGBCODE_HOST_COMMAND_TIMEOUT_SEC";
    public const int DefaultTimeoutSec = 120;

    /// <summary>How long one host tool may run: the setting when it is a whole number from 1 to 3600, else the default.</summary>
    public static TimeSpan Timeout =>
        TimeSpan.FromSeconds(int.TryParse(Environment.GetEnvironmentVariable(TimeoutSetting), out int seconds) && seconds is >= 1 and <= 3600
            ? seconds : DefaultTimeoutSec);

    public static string Run(string file, params string[] arguments) => RunAsync(file, arguments).GetAwaiter().GetResult();

    public static (int ExitCode, string Output) TryRun(string file, params string[] arguments) =>
        TryRunAsync(file, arguments).GetAwaiter().GetResult();

    public static async Task<string> RunAsync(string file, string[] arguments, CancellationToken cancellationToken = default)
    {
        var (exitCode, output) = await TryRunAsync(file, arguments, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
            throw new IOException($"{Describe(file, arguments)} failed (exit code {exitCode}): {output.Trim()}");
        return output;
    }

    /// <summary>The tool's exit code and output; an IOException when it overruns <paramref name="timeout"/> (default <see cref="Timeout"/>; it is killed).</summary>
    public static async Task<(int ExitCode, string Output)> TryRunAsync(string file, string[] arguments, CancellationToken cancellationToken = default,
        TimeSpan? timeout = null)
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
        TimeSpan limit = timeout ?? Timeout;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(limit);
        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        Task<string> output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            throw new IOException($"{Describe(file, arguments)} did not finish within {limit.TotalSeconds:0.###} s and was stopped " +
                $"(raise ${TimeoutSetting} on a slow host).");
        }
        return (process.ExitCode, await output.ConfigureAwait(false) + await error.ConfigureAwait(false));
    }

    private static string Describe(string file, string[] arguments) => $"{Path.GetFileName(file)} {string.Join(' ', arguments)}";

    /// <summary>The first existing path among the candidates, or null.</summary>
    public static string? Find(params string[] candidates) => candidates.FirstOrDefault(File.Exists);
}
