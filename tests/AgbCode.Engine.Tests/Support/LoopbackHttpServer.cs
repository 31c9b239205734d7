using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// A real HTTP server on the host's loopback (Python's http.server) serving a folder with one marker file; its port is
/// the one the server says it bound.
/// </summary>
public sealed partial class LoopbackHttpServer : IDisposable
{
    public const string MarkerFile = "marker.txt";
    private readonly Process _process;
    private readonly DirectoryInfo _root;

    public LoopbackHttpServer()
    {
        _root = Directory.CreateTempSubdirectory("agbcode-http-");
        Marker = "served-from-the-host-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(Path.Combine(_root.FullName, MarkerFile), Marker);
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in new[] { "-u", "-m", "http.server", "--bind", "127.0.0.1", "--directory", _root.FullName, "0" })
            info.ArgumentList.Add(argument);
        _process = Process.Start(info)!;
        Task<string?> banner = Task.Run(_process.StandardOutput.ReadLine);
        if (!banner.Wait(TimeSpan.FromSeconds(30)) || banner.Result is null)
        {
            _process.Kill();   // stderr ends only when the process does: read it after
            Assert.Fail("the HTTP server did not start: " + _process.StandardError.ReadToEnd());
        }
        _process.BeginErrorReadLine();   // its request log, drained so the pipe never fills
        Port = int.Parse(PortPattern().Match(banner.Result!).Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public int Port { get; }
    public string Marker { get; }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        _root.Delete(recursive: true);
    }

    [GeneratedRegex(@"port (\d+)")]
    private static partial Regex PortPattern();
}
