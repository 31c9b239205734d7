using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using AgbCode.Core.Errors;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Sandbox;

/// <summary>Whether this host can sandbox code, found out once per engine by starting a trial sandbox.</summary>
internal sealed partial record SandboxSupport(bool DisableUserns, string BwrapVersion)
{
    /// <summary>The host's sandbox support, or an error that says what is missing and how to get it.</summary>
    public static SandboxSupport Probe()
    {
        if (!OperatingSystem.IsLinux())
            throw Missing($"The local engine sandboxes code with bubblewrap, which needs Linux; this is {RuntimeInformation.OSDescription}.",
                "Use a remote AgbCode server or the AGB cloud (New-AgbSession -Endpoint <url>), or, for trusted code only, -Isolation None.");
        if (!File.Exists(Tools.Bwrap))
            throw Missing($"bubblewrap was not found at {Tools.Bwrap}.",
                "Install it (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap), or run ./build.ps1 -Task Bootstrap.");
        foreach (string tool in new[] { Tools.Prlimit, Tools.Setpriv, Tools.Bash })
            if (!File.Exists(tool))
                throw Missing($"{tool} was not found.", "Install util-linux and bash (Debian/Ubuntu: sudo apt-get install util-linux bash).");
        if (!SeccompFilter.IsAvailable)
            throw Missing("libseccomp.so.2 was not found; the sandbox needs it for its seccomp filter.",
                "Install it (Debian/Ubuntu: sudo apt-get install libseccomp2).");

        string version = HostCommand.TryRun(Tools.Bwrap, "--version").Output.Trim();
        Match match = VersionPattern().Match(version);
        bool disableUserns = match.Success && new Version(match.Groups[1].Value) >= new Version(0, 8);

        // A trial sandbox, as an unprivileged uid when the engine is root: that is how sessions will run.
        List<string> trial = Libc.IsRoot ? [Tools.Setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--", Tools.Bwrap] : [Tools.Bwrap];
        trial.AddRange(["--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000", "--new-session", "--die-with-parent",
            "--ro-bind", "/usr", "/usr", "--symlink", "usr/lib", "/lib", "--proc", "/proc", "--dev", "/dev"]);
        if (Directory.Exists("/usr/lib64"))
            trial.AddRange(["--symlink", "usr/lib64", "/lib64"]);
        trial.AddRange(["--", "/usr/bin/true"]);
        var (exitCode, output) = HostCommand.TryRun(trial[0], [.. trial.Skip(1)]);
        if (exitCode != 0)
            throw Missing($"bubblewrap cannot create a sandbox on this host: {output.Trim()}",
                "Unprivileged user namespaces must be allowed: sudo sysctl -w kernel.unprivileged_userns_clone=1 (Debian), " +
                "or on Ubuntu 23.10+ an AppArmor profile that grants bwrap 'userns' (see docs/security.md).");
        return new SandboxSupport(disableUserns, match.Success ? match.Groups[1].Value : version);
    }

    private static AgbException Missing(string message, string fix) => new(AgbErrorKind.Platform, SessionErrors.SandboxUnavailable, message, fix);

    [GeneratedRegex(@"(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex VersionPattern();
}
