using AgbCode.Core.Results;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// What the Java kernel's start shares, seen from inside a real sandboxed session: the class-data archive mapped
/// read-only from its fixed path (the completion indexer: JavaKernelTests).
/// </summary>
public sealed class JavaKernelStartTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Fact]
    public async Task The_kernel_maps_the_class_data_archive_from_its_fixed_read_only_path()
    {
        string archive = $"{SandboxLauncher.DriversMount}/java/{JavaClassArchive.FileName}";

        EnhancedCodeExecutionResult mapped = await fixture.Run("java", """
            Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith("/kernel.jsa"))
                .map(l -> l.substring(l.indexOf('/'))).distinct().collect(Collectors.joining(",")) + " " + System.getProperty("java.vm.info")
            """, 120);
        EnhancedCodeExecutionResult write = await fixture.Run("java", $"""Files.write(Path.of("{archive}"), new byte[1])""");

        Assert.True(mapped.Success, mapped.ErrorMessage);
        Assert.StartsWith($"\"{archive} ", mapped.Text);   // the only file of that name mapped, and from where it should be
        Assert.Contains("sharing", mapped.Text);           // the JVM took it: an archive it refused would leave sharing off
        Assert.False(write.Success);
        Assert.Contains("Read-only file system", write.ErrorMessage);
    }
}
