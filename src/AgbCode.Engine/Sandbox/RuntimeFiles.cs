using AgbCode.Engine.Platform;
using System.Reflection;
using System.Security.Cryptography;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// The engine's runtime folder: drivers, sandbox scripts, the sandbox's passwd/group and the seccomp program, written
/// once per engine version into the state root (readable by session uids, writable by the engine only).
/// </summary>
internal sealed class RuntimeFiles
{
    private const string ResourcePrefix = "runtime/";

    private RuntimeFiles(string path) => Path = path;

    public string Path { get; }
    /// <summary>Bound read-only at /opt/agbcode inside every sandbox.</summary>
    public string DriversDir => Combine("drivers");
    public string LaunchScript => Combine("sandbox/launch.sh");
    public string ReapScript => Combine("sandbox/reap.sh");
    public string Passwd => Combine("etc/passwd");
    public string Group => Combine("etc/group");
    /// <summary>An empty file, bound over /proc files the sandbox must not read.</summary>
    public string Empty => Combine("etc/empty");
    /// <summary>Where a root launcher with a network mounts a small tmpfs for the tun device node, in its own mount namespace.</summary>
    public string NetworkScratch => Combine("view");
    /// <summary>The folders a sandbox binds from (drivers, etc), which <see cref="CopyViewTo"/> copies.</summary>
    private static readonly string[] SandboxFolders = ["drivers", "etc"];
    public string SeccompProgram => Combine("seccomp.bpf");

    private string Combine(string relative) => System.IO.Path.Combine(Path, relative);

    public static RuntimeFiles Install(StateRoot root, bool withSeccomp)
    {
        Assembly assembly = typeof(RuntimeFiles).Assembly;
        string[] names = [.. assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        var final = new RuntimeFiles(System.IO.Path.Combine(root.RuntimeParentDir, ContentHash(assembly, names)));
        if (Directory.Exists(final.Path))
        {
            final.AddViewFiles(root);   // a folder an older build of the same drivers installed may lack them
            foreach (LanguageDriver driver in LanguageDriver.All)
                Refresh(driver, final.DriversDir, root);
            if (withSeccomp)
                SeccompFilter.WriteTo(final.SeccompProgram);   // cheap, atomic, and follows the policy in this build
            return final;
        }

        var staging = new RuntimeFiles(final.Path + ".staging-" + Guid.NewGuid().ToString("N"));
        StateRoot.EnsureDirectory(staging.Path, root.IsRoot ? StateRoot.Readable : StateRoot.Private);
        foreach (string name in names)
        {
            string target = staging.Combine(name[ResourcePrefix.Length..]);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            using (Stream source = assembly.GetManifestResourceStream(name)!)
            using (FileStream file = File.Create(target))
                source.CopyTo(file);
        }
        Directory.CreateDirectory(staging.Combine("etc"));
        File.WriteAllText(staging.Passwd, "sandbox:x:1000:1000:sandbox:/home/sandbox:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        File.WriteAllText(staging.Group, "sandbox:x:1000:\nnogroup:x:65534:\n");
        staging.AddViewFiles(root);
        if (withSeccomp)
            SeccompFilter.WriteTo(staging.SeccompProgram);
        foreach (LanguageDriver driver in LanguageDriver.All)
            Prepare(driver, staging.DriversDir);
        SetModes(staging.Path, root);

        try
        {
            Directory.Move(staging.Path, final.Path);
        }
        catch (IOException) when (Directory.Exists(final.Path))
        {
            Directory.Delete(staging.Path, recursive: true);   // another engine installed the same version first
        }
        return final;
    }

    private void AddViewFiles(StateRoot root)
    {
        if (!File.Exists(Empty))
            File.WriteAllText(Empty, "");
        StateRoot.EnsureDirectory(NetworkScratch, root.IsRoot ? StateRoot.Readable : StateRoot.Private);
    }

    /// <summary>
    /// Copies what sandboxes bind (drivers and etc, modes and file times kept) into <paramref name="target"/>, the engine's runtime
    /// view, and returns the same files as seen there.
    /// </summary>
    public RuntimeFiles CopyViewTo(string target)
    {
        foreach (string folder in SandboxFolders)
            CopyTree(Combine(folder), System.IO.Path.Combine(target, folder));
        return new RuntimeFiles(target);
    }

    private static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target, File.GetUnixFileMode(source));
        foreach (string file in Directory.EnumerateFiles(source))
        {
            string copy = System.IO.Path.Combine(target, System.IO.Path.GetFileName(file));
            File.Copy(file, copy);
            File.SetUnixFileMode(copy, File.GetUnixFileMode(file));
            File.SetLastWriteTimeUtc(copy, File.GetLastWriteTimeUtc(file));   // a JVM class-data archive checks its jars' times
        }
        foreach (string folder in Directory.EnumerateDirectories(source))
            CopyTree(folder, System.IO.Path.Combine(target, System.IO.Path.GetFileName(folder)));
    }

    private static void Prepare(LanguageDriver driver, string driversDir)
    {
        try
        {
            driver.Prepare(driversDir);
        }
        catch (IOException failure)   // that language stays unavailable; the others work
        {
            File.WriteAllText(System.IO.Path.Combine(driversDir, $"{driver.Language}.prepare-failed.txt"), failure.Message);
        }
    }

    private static void Refresh(LanguageDriver driver, string driversDir, StateRoot root)
    {
        try
        {
            if (driver.Refresh(driversDir))
                SetModes(driversDir, root);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            // what Prepare made before stays; the language works as it did
        }
    }

    // Every file and folder, including what Prepare wrote: readable (and .sh runnable) by session uids, written by root.
    private static void SetModes(string directory, StateRoot root)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(file, FileMode(root, executable: file.EndsWith(".sh", StringComparison.Ordinal)));
        foreach (string dir in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories))
            File.SetUnixFileMode(dir, root.IsRoot ? StateRoot.Readable : StateRoot.Private);
    }

    private static UnixFileMode FileMode(StateRoot root, bool executable)
    {
        UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (root.IsRoot)
            mode |= UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        if (executable)
            mode |= UnixFileMode.UserExecute | (root.IsRoot ? UnixFileMode.GroupExecute | UnixFileMode.OtherExecute : 0);
        return mode;
    }

    private static string ContentHash(Assembly assembly, IEnumerable<string> names)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string name in names)
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(name));
            using Stream stream = assembly.GetManifestResourceStream(name)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            hash.AppendData(buffer.ToArray());
        }
        foreach (LanguageDriver driver in LanguageDriver.All)
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(driver.Language + ":" + driver.PreparedFiles));
        return Convert.ToHexString(hash.GetHashAndReset())[..16].ToLowerInvariant();
    }
}
