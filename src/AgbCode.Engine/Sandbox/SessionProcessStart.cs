using System.Diagnostics;
using System.Text;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Images;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Sandbox;

/// <summary>What to start in a session: a command and its environment, given where the drivers, home and /tmp are.</summary>
internal sealed record SessionCommand
{
    /// <summary>
    /// The command line, given the folder the drivers are in and the image's extra folder (null: the image has none) as
    /// the process sees them (the sandbox's mounts, or the host folders).
    /// </summary>
    public required Func<string, string?, IReadOnlyList<string>> Command { get; init; }
    /// <summary>Variables on top of the base ones, given the home and /tmp folders the process sees.</summary>
    public Func<string, string, IReadOnlyDictionary<string, string>> Environment { get; init; } = (_, _) => new Dictionary<string, string>();
    public IReadOnlyList<string> ReadOnlyEtc { get; init; } = [];
    /// <summary>Whether the process gets the session's network allow-list (kernels do; file helpers never need it).</summary>
    public bool Networked { get; init; }
}

/// <summary>
/// The start of any process of a session, kernel or helper: in its sandbox (launcher, namespaces, seccomp, uid, limits,
/// cgroup) or, with isolation None, as the engine's user in the workspace.
/// </summary>
internal static class SessionProcessStart
{
    public static ProcessStartInfo Build(KernelContext context, CgroupGroup? cgroup, SessionCommand command)
    {
        ProcessStartInfo info = context.Isolation == IsolationMode.Sandbox ? Sandboxed(context, cgroup, command) : Plain(context, command);
        info.StandardInputEncoding = new UTF8Encoding(false);
        return info;
    }

    private static ProcessStartInfo Sandboxed(KernelContext context, CgroupGroup? cgroup, SessionCommand command) =>
        context.Launcher!.BuildStartInfo(new SandboxSpec
        {
            Uid = context.Uid,
            CgroupProcsFiles = cgroup?.ProcsFiles ?? [],
            Limits = context.Limits,
            ProcessLimit = context.ProcessLimit,
            WorkspacePath = context.WorkspacePath,
            TmpPath = context.TmpPath,
            Command = command.Command(SandboxLauncher.DriversMount, context.Image.Folder is null ? null : CodeImage.Mount),
            Environment = WithImage(context.Image.Environment(CodeImage.Mount), command.Environment(SandboxLauncher.Home, "/tmp")),
            ReadOnlyEtc = command.ReadOnlyEtc,
            ImageFolder = context.Image.Folder,
            Network = command.Networked ? context.Network : null,
            Binds = context.ContextBinds,
        });

    private static ProcessStartInfo Plain(KernelContext context, SessionCommand command)
    {
        IReadOnlyList<string> line = command.Command(context.DriversDir, context.Image.Folder);
        var info = new ProcessStartInfo(line[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = context.WorkspacePath,
        };
        foreach (string argument in line.Skip(1))
            info.ArgumentList.Add(argument);
        info.Environment.Clear();
        info.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
        info.Environment["HOME"] = context.WorkspacePath;
        info.Environment["LANG"] = "C.UTF-8";
        foreach (var (name, value) in WithImage(context.Image.Environment(context.Image.Folder ?? ""), command.Environment(context.WorkspacePath, Path.GetTempPath())))
            info.Environment[name] = value;
        return info;
    }

    /// <summary>The image's library variables under the command's own (a session's -Environment can still replace them).</summary>
    private static Dictionary<string, string> WithImage(IReadOnlyDictionary<string, string> image, IReadOnlyDictionary<string, string> command)
    {
        var environment = new Dictionary<string, string>(image);
        foreach (var (name, value) in command)
            environment[name] = value;
        return environment;
    }
}
