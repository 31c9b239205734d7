namespace AgbCode.Engine.Sandbox;

/// <summary>The variables every session process starts with, before its image's and its session's own.</summary>
internal static class SandboxEnvironment
{
    public const string Path = "/usr/local/bin:/usr/bin:/bin";

    /// <summary>What a process run without a sandbox gets (its host environment is cleared first).</summary>
    public static Dictionary<string, string> Plain(string home) => new()
    {
        ["PATH"] = Path,
        ["HOME"] = home,
        ["LANG"] = "C.UTF-8",
    };

    /// <summary>What a sandboxed process gets: the plain set plus the sandbox's own user and temporary folder.</summary>
    public static Dictionary<string, string> Sandboxed(string home)
    {
        Dictionary<string, string> environment = Plain(home);
        environment["USER"] = "sandbox";
        environment["LOGNAME"] = "sandbox";
        environment["TMPDIR"] = "/tmp";
        return environment;
    }
}
