using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Odd code and odd output: each has a defined outcome, and the kernel keeps working.</summary>
public class BadInputTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    public static TheoryData<string, string, string> DeepRecursion => new()
    {
        { "python", "def f(n): return f(n + 1)\nf(0)", "RecursionError" },
        { "javascript", "function f(n) { return f(n + 1) } f(0)", "RangeError" },
        { "java", "int f(int n) { return f(n + 1); }\nf(0)", "StackOverflowError" },
        { "r", "f <- function(n) f(n + 1); f(0)", "StackOverflowError" },
    };

    [Theory]
    [MemberData(nameof(DeepRecursion))]
    public async Task Deep_recursion_is_an_error_of_the_run_and_the_kernel_lives(string language, string code, string error)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, code, timeoutSec: 90);
        EnhancedCodeExecutionResult after = await fixture.Run(language, "1 + 1", timeoutSec: 30);

        Assert.False(result.Success);
        Assert.Contains(error, result.Error!.Name);
        Assert.False(after.KernelRestarted, after.KernelRestartReason);
        Assert.Contains("2", after.Text);
    }

    public static TheoryData<string> Languages => new() { "python", "javascript", "java", "r" };

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Lone_surrogates_in_code_become_replacement_characters(string language)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, language switch
        {
            "python" => "len('a\ud800b')",
            "javascript" => "'a\ud800b'.length",
            "java" => "\"a\ud800b\".length()",
            _ => "nchar('a\ud800b')",
        }, timeoutSec: 90);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Contains("3", result.Text);   // a, U+FFFD, b
    }

    [Fact]
    public async Task Nul_characters_in_code_are_refused_before_anything_runs()
    {
        var failure = await Assert.ThrowsAsync<AgbException>(() => fixture.Python("1\0 + 1"));
        Assert.Equal("AgbInvalidCode", failure.ErrorId);
        Assert.Equal(AgbErrorKind.BadInput, failure.Kind);
    }

    [Fact]
    public async Task Code_over_the_size_limit_is_refused_before_anything_runs()
    {
        var failure = await Assert.ThrowsAsync<AgbException>(() => fixture.Python(new string('#', 10 * 1024 * 1024)));
        Assert.Equal("AgbCodeTooLarge", failure.ErrorId);
        Assert.Contains("file", failure.Fix);
    }

    [Fact]
    public async Task Code_just_under_the_size_limit_runs()
    {
        string code = "x = 1\n" + new string('#', RunRequest.MaxCodeBytes - 100) + "\nx + 1";
        EnhancedCodeExecutionResult result = await fixture.Python(code);
        Assert.Equal("2", result.Text);
    }

    /// <summary>
    /// Endless output is proved bounded by cause, not by the test process's memory (other tests share it): the recorder
    /// keeps no more than the cap, and the kernel lives, so the driver stopped sending at the cap; one that sent past the
    /// honest volume would have been killed (HostileKernelTests).
    /// </summary>
    private const int EndlessOutputCap = 256 * 1024;

    [Fact]
    public Task Endless_raw_output_ends_at_the_timeout_with_the_output_cut() =>
        fixture.InNewSession(new SessionOptions { Limits = SessionLimits.Default with { OutputBytes = EndlessOutputCap } }, async session =>
        {
            EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest("import os\nwhile True: os.write(1, b'z' * 65536)", "python", 3));
            EnhancedCodeExecutionResult after = await session.RunAsync(new RunRequest("1 + 1", "python", 30));

            Assert.Equal("TimeoutError", result.Error!.Name);
            Assert.True(result.OutputTruncated);
            Assert.InRange(result.Stdout.Count(c => c == 'z'), EndlessOutputCap - 65536, EndlessOutputCap);
            Assert.False(after.KernelRestarted, after.KernelRestartReason);
            Assert.Equal("2", after.Text);
        });
}
