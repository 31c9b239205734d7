using System.Diagnostics;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// A throwaway local account (and group) made for a test with useradd/groupadd and removed afterwards: a caller of
/// another uid than the test process's, for the local socket's peer-credential tests. Needs root, as the engine does.
/// </summary>
public sealed class LocalUser : IDisposable
{
    private LocalUser(string name, uint uid, uint gid)
    {
        Name = name;
        Uid = uid;
        Gid = gid;
    }

    public string Name { get; }
    public uint Uid { get; }
    /// <summary>The account's own primary group (the name is the account's).</summary>
    public uint Gid { get; }

    public static LocalUser Create(string prefix)
    {
        string name = $"{prefix}{Random.Shared.Next(100_000, 999_999)}";
        Run("useradd", "--no-create-home", "--user-group", "--shell", "/usr/sbin/nologin", name);
        return new LocalUser(name, uint.Parse(Run("id", "-u", name)), uint.Parse(Run("id", "-g", name)));
    }

    /// <summary>A new group with these users in it; removed with <see cref="DeleteGroup"/>.</summary>
    public static string CreateGroup(string prefix, params LocalUser[] members)
    {
        string group = $"{prefix}{Random.Shared.Next(100_000, 999_999)}";
        Run("groupadd", group);
        foreach (LocalUser member in members)
            Run("usermod", "-aG", group, member.Name);
        return group;
    }

    public static void DeleteGroup(string group) => Run("groupdel", group);

    /// <summary>Runs a command as this user, with exactly the groups given (none: only the user's own).</summary>
    public ProcessStartInfo StartInfo(string command, IEnumerable<string> arguments, params string[] groups)
    {
        var info = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[$"--reuid={Uid}", $"--regid={Gid}",
                     groups.Length == 0 ? "--clear-groups" : $"--groups={string.Join(',', groups)}", "--", command, .. arguments])
            info.ArgumentList.Add(argument);
        return info;
    }

    public static string Run(string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        return output.Trim();
    }

    public void Dispose() => Run("userdel", Name);
}
