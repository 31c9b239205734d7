using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;

namespace AgbCode.Core.Tests;

public class RunRequestTests
{
    [Fact]
    public void A_valid_request_gets_the_canonical_language() =>
        Assert.Equal("python", new RunRequest("1+1", "py").Validated().Language);

    [Theory]
    [InlineData("")]
    [InlineData("   \n\t ")]
    public void Empty_code_is_bad_input(string code) =>
        Assert.Equal("AgbEmptyCode", Assert.Throws<AgbException>(() => new RunRequest(code, "python").Validated()).ErrorId);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(1e9)]
    public void Out_of_range_timeouts_are_bad_input(double timeout) =>
        Assert.Equal("AgbInvalidTimeout", Assert.Throws<AgbException>(() => new RunRequest("1", "python", timeout).Validated()).ErrorId);

    [Fact]
    public void Code_over_the_size_limit_is_bad_input() =>
        Assert.Equal("AgbCodeTooLarge", Assert.Throws<AgbException>(() =>
            new RunRequest(new string('x', RunRequest.MaxCodeBytes + 1), "python").Validated()).ErrorId);

    [Fact]
    public void Limits_out_of_range_name_the_limit()
    {
        var failure = Assert.Throws<AgbException>(() => (SessionLimits.Default with { MemoryBytes = 1024 }).Validated());
        Assert.Contains("MemoryBytes", failure.Message);
        Assert.Equal(AgbErrorKind.BadInput, failure.Kind);
    }

    [Fact]
    public void The_file_helper_idle_timeout_is_bounded_and_zero_is_allowed()
    {
        var failure = Assert.Throws<AgbException>(() => (SessionLimits.Default with { FileHelperIdleTimeout = TimeSpan.FromHours(2) }).Validated());
        Assert.Contains("FileHelperIdleTimeout", failure.Message);
        Assert.Throws<AgbException>(() => (SessionLimits.Default with { FileHelperIdleTimeout = TimeSpan.FromSeconds(-1) }).Validated());
        Assert.Equal(TimeSpan.Zero, (SessionLimits.Default with { FileHelperIdleTimeout = TimeSpan.Zero }).Validated().FileHelperIdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), SessionLimits.Default.FileHelperIdleTimeout);
    }
}
