using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// A program's own exit behaves as when the file runs directly (python3 x.py, Rscript x.R, node x.js, java X.java): 0 is
/// a success that prints nothing, another code fails the run with that code, and the kernel keeps its state.
/// </summary>
public class ExitStatusTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    public static TheoryData<string, string, string, int> Exits => new()
    {
        { "python", "print('before')", "import sys; sys.exit(3)", 3 },
        { "python", "print('before')", "raise SystemExit()", 0 },
        { "python", "print('before')", "import sys; sys.exit(0)", 0 },
        { "python", "print('before')", "exit(-1)", 255 },
        { "r", "cat('before\\n')", "quit(status = 5)", 5 },
        { "r", "cat('before\\n')", "quit(save = 'no')", 0 },
        { "r", "cat('before\\n')", "base::q(status = 0)", 0 },
        { "javascript", "console.log('before')", "process.exit(4)", 4 },
        { "javascript", "console.log('before')", "process.exit()", 0 },
        { "javascript", "console.log('before')", "process.exitCode = 9; process.exit()", 9 },
        { "java", "System.out.println(\"before\");", "System.exit(2);", 2 },
        { "java", "System.out.println(\"before\");", "System.exit(0);", 0 },
        { "java", "System.out.println(\"before\");", "Runtime.getRuntime().halt(5);", 5 },
        { "java", "System.out.println(\"before\");", "try { System.exit(6); } catch (Exception swallowed) { System.out.println(\"swallowed\"); }", 6 },
    };

    [Theory]
    [MemberData(nameof(Exits))]
    public async Task An_exit_ends_the_run_with_its_code_and_the_kernel_keeps_its_state(string language, string print, string exit, int code)
    {
        string keep = Keep(language, $"kept{code}");
        await fixture.Run(language, keep.Replace("VALUE", "7"), timeoutSec: 90);
        var log = new EventLog();
        EnhancedCodeExecutionResult exited = await fixture.Run(language, $"{print}\n{exit}\n{print.Replace("before", "after")}", timeoutSec: 90, observer: log);
        EnhancedCodeExecutionResult after = await fixture.Run(language, $"kept{code}", timeoutSec: 90);

        Assert.Equal("before\n", exited.Stdout);   // the rest of the program did not run
        Assert.Equal("", exited.Stderr);           // no SystemExit traceback, no "To exit: use 'exit'" hint
        Assert.Equal(code, exited.ExitCode);
        Assert.Equal(code == 0, exited.Success);
        if (code == 0)
        {
            Assert.Null(exited.Error);
            Assert.Empty(log.Of("error"));
        }
        else
        {
            Assert.Equal($"SystemExit: exit code {code}", exited.ErrorMessage);
            Assert.Equal(["SystemExit"], log.Of("error").Select(e => e.Text));
            Assert.Equal(code, ExitStatus.Of(exited.Error));
        }
        Assert.Contains("7", after.Text);
        Assert.False(after.KernelRestarted);
        Assert.Null(after.ExitCode);
    }

    [Theory]
    [InlineData("python", "import sys; sys.exit('bad input')", "bad input\n")]
    [InlineData("javascript", "process.exit('x')", "")]
    public async Task An_exit_with_a_message_is_code_1_and_the_message_goes_to_stderr(string language, string exit, string stderr)
    {
        EnhancedCodeExecutionResult exited = await fixture.Run(language, exit, timeoutSec: 90);

        Assert.Equal(1, exited.ExitCode);
        Assert.False(exited.Success);
        Assert.Equal(stderr, exited.Stderr);
    }

    [Fact]
    public async Task Setting_process_exitCode_fails_the_cell_after_it_ran_and_the_next_cell_starts_clean()
    {
        EnhancedCodeExecutionResult set = await fixture.Run("javascript", "process.exitCode = 4; console.log('ran to the end'); 42", timeoutSec: 90);
        EnhancedCodeExecutionResult next = await fixture.Run("javascript", "1 + 1", timeoutSec: 90);

        Assert.Equal(4, set.ExitCode);
        Assert.False(set.Success);
        Assert.Equal("ran to the end\n", set.Stdout);
        Assert.True(next.Success, next.ErrorMessage);
        Assert.Null(next.ExitCode);
    }

    [Fact]
    public async Task An_exception_is_not_an_exit()
    {
        EnhancedCodeExecutionResult failed = await fixture.Python("1 / 0");

        Assert.False(failed.Success);
        Assert.Null(failed.ExitCode);
        Assert.Equal("ZeroDivisionError", failed.Error!.Name);
    }

    private static string Keep(string language, string name) => language switch
    {
        "python" => $"{name} = VALUE",
        "r" => $"{name} <- VALUE",
        "javascript" => $"var {name} = VALUE",
        _ => $"int {name} = VALUE;",
    };
}
