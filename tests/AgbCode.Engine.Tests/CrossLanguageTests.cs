using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>The kernels of one session share its workspace: what one language writes, the others read.</summary>
public class CrossLanguageTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Fact]
    public async Task A_file_written_by_python_is_read_by_r_javascript_and_java()
    {
        EnhancedCodeExecutionResult written = await fixture.Python("""
            import csv
            with open('shared.csv', 'w', newline='') as f:
                csv.writer(f).writerows([['x', 'y'], [1, 2], [2, 4], [3, 6]])
            """);
        Assert.True(written.Success, written.ErrorMessage);

        EnhancedCodeExecutionResult r = await fixture.Run("r", "df <- read.csv('shared.csv'); sum(df$y)", timeoutSec: 60);
        EnhancedCodeExecutionResult js = await fixture.Run("javascript",
            "require('fs').readFileSync('shared.csv', 'utf8').trim().split('\\n').slice(1).map(l => +l.split(',')[1]).reduce((a, b) => a + b, 0)", timeoutSec: 60);
        EnhancedCodeExecutionResult java = await fixture.Run("java",
            "java.nio.file.Files.readAllLines(java.nio.file.Path.of(\"shared.csv\")).stream().skip(1).mapToInt(l -> Integer.parseInt(l.split(\",\")[1].trim())).sum()",
            timeoutSec: 90);

        Assert.Equal("[1] 12", r.Text);
        Assert.Equal("12", js.Text);
        Assert.Equal("12", java.Text);
        Assert.Equal(["java", "javascript", "python", "r"], fixture.Session.Kernels.Select(k => k.Language));
    }
}
