using AgbCode.Core.Results;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// What the Java kernel's start leaves out or shares, seen from inside a real sandboxed session: the class-data archive
/// mapped read-only from its fixed path, and JShell's completion index never built.
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

    [Fact]
    public async Task JShells_completion_index_is_never_built_its_thread_waits_in_the_kernels_task()
    {
        // this cell was split by JShell's source analysis, which starts the index at once when nothing holds its thread
        EnhancedCodeExecutionResult threads = await fixture.Run("java", """
            Thread.getAllStackTraces().values().stream()
                .map(stack -> Arrays.stream(stack).map(f -> f.getClassName() + "." + f.getMethodName()).collect(Collectors.joining(" ")))
                .filter(s -> s.contains("SourceCodeAnalysisImpl") || s.contains("CompletionIndex")).collect(Collectors.joining("|"))
            """, 120);

        Assert.True(threads.Success, threads.ErrorMessage);
        Assert.Contains("agb.CompletionIndex.parkForever", threads.Text);
        Assert.DoesNotContain("refreshIndexes", threads.Text);
        Assert.DoesNotContain("|", threads.Text);   // that one thread, no other in JShell's analysis
    }
}
