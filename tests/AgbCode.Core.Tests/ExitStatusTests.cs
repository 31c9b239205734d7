using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

/// <summary>An exit code survives every form the error takes: the engine's, and the AGB wire's (which has no field for it).</summary>
public class ExitStatusTests
{
    [Theory]
    [InlineData(3, 3)]
    [InlineData(-1, 255)]
    [InlineData(256, 0)]
    [InlineData(255, 255)]
    public void A_code_is_what_a_shell_would_see(long code, int seen) => Assert.Equal(seen, ExitStatus.Normalize(code));

    [Fact]
    public void The_engine_error_reads_as_SystemExit_with_its_code()
    {
        ExecutionError error = ExitStatus.Error(3);

        Assert.Equal("SystemExit: exit code 3", error.ToString());
        Assert.Equal(3, ExitStatus.Of(error));
    }

    [Theory]
    [InlineData("ExecutionError", "SystemExit: exit code 4", 4)]      // new format: executionError text; WebSocket end frame
    [InlineData("SystemExit", "exit code 5", 5)]                       // rich format: error {name, value}
    [InlineData("ExecutionError", "SystemExit: exit code 4 and more", null)]
    [InlineData("SystemExit", "3", null)]                              // a program's own exception named SystemExit
    [InlineData("ZeroDivisionError", "division by zero", null)]
    public void A_client_reads_the_code_back_from_the_wire_text(string name, string value, int? code) =>
        Assert.Equal(code, ExitStatus.Of(new ExecutionError { Name = name, Value = value }));

    [Fact]
    public void No_error_is_no_exit() => Assert.Null(ExitStatus.Of(null));
}
