using System.Diagnostics;

namespace AgbCode.Tests.Shared;

/// <summary>
/// An images folder (AGBCODE_IMAGES_DIR) with one image, <see cref="Image"/>, whose extra folder holds a package per
/// language that the host does not have, prepared as an operator would: is-number from the npm registry
/// (npm install --prefix), termcolor and praise from Debian's archive (apt-get download, dpkg-deb -x), and a Debian jar
/// (commons-cli, installed on the host but on no class path). Made once per test class; removed afterwards.
/// </summary>
public sealed class ExtraImageFolder : IDisposable
{
    public const string Image = "extras";
    public const string NodeModule = "is-number";
    public const string NodeModuleVersion = "7.0.0";
    public const string PythonModule = "termcolor";
    public const string RPackage = "praise";
    public const string JavaJar = "/usr/share/java/commons-cli-1.5.0.jar";
    public const string JavaClass = "org.apache.commons.cli.Options";

    public ExtraImageFolder()
    {
        Folder = Directory.CreateTempSubdirectory("agbcode-images-").FullName;
        string image = Path.Combine(Folder, Image);
        string downloads = Directory.CreateTempSubdirectory("agbcode-debs-").FullName;
        try
        {
            Run(downloads, "npm", "install", "--prefix", Path.Combine(image, "javascript"), "--no-audit", "--no-fund", "--no-package-lock",
                "--loglevel=error", $"{NodeModule}@{NodeModuleVersion}");
            Run(downloads, "apt-get", "download", "-q", "python3-termcolor", "r-cran-praise");
            string unpacked = Path.Combine(downloads, "root");
            foreach (string deb in Directory.GetFiles(downloads, "*.deb"))
                Run(downloads, "dpkg-deb", "-x", deb, unpacked);
            Copy(Path.Combine(unpacked, "usr/lib/python3/dist-packages"), Path.Combine(image, "python"));
            Copy(Path.Combine(unpacked, "usr/lib/R/site-library"), Path.Combine(image, "r"));
            Directory.CreateDirectory(Path.Combine(image, "java"));
            File.Copy(JavaJar, Path.Combine(image, "java", Path.GetFileName(JavaJar)));
            Run(downloads, "chmod", "-R", "u=rwX,go=rX", Folder);   // as an operator leaves it: root's, readable by all
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            Directory.Delete(downloads, recursive: true);
        }
    }

    /// <summary>The images folder: the engine's AGBCODE_IMAGES_DIR.</summary>
    public string Folder { get; }

    public string ImageFolder => Path.Combine(Folder, Image);

    /// <summary>Declares another image: a folder of its own (empty), for tests that spoil it.</summary>
    public string AddImage(string name)
    {
        string folder = Path.Combine(Folder, name);
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return folder;
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        Run(from, "cp", "-a", from + "/.", to);
    }

    private static void Run(string directory, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
            info.ArgumentList.Add(argument);
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed (exit code {process.ExitCode}): {errors}{output.Result}");
    }

    public void Dispose()
    {
        if (Directory.Exists(Folder))
            Directory.Delete(Folder, recursive: true);
    }
}
