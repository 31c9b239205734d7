using System.Diagnostics;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Java kernel opens its channels through /dev/fd: started without the supervisor's pipes, it must not write its
/// messages into whatever file sits on those descriptors (once, a scratch run on the host appended them to the JDK's
/// lib/modules, which the JVM had opened read-only on fd 4).
/// </summary>
public sealed class JavaKernelChannelTests(JavaClassArchiveTests.PreparedDrivers drivers) : IClassFixture<JavaClassArchiveTests.PreparedDrivers>
{
    [Fact]
    public void A_kernel_whose_message_channel_is_open_for_reading_only_writes_nothing_to_it_and_says_why()
    {
        string file = Path.Combine(drivers.Folder, "not-a-pipe.txt");
        File.WriteAllText(file, "kept\n");
        var start = new ProcessStartInfo(Tools.Bash, ["-c", "exec \"${@:2}\" 3</dev/null 4<\"$1\" 5</dev/zero", "bash", file,
            drivers.Driver.Executable, "-cp", Path.Combine(drivers.DriversDir, "java", "classes"), "agb.JavaKernel"])
        { RedirectStandardError = true };

        using Process kernel = Process.Start(start)!;
        string error = kernel.StandardError.ReadToEnd();
        Assert.True(kernel.WaitForExit(60_000), "the kernel did not exit");

        Assert.NotEqual(0, kernel.ExitCode);
        Assert.Equal("kept\n", File.ReadAllText(file));
        Assert.Contains($"fd 4 ({file}) is open for reading only", error);
    }
}
