using System.Text.Json;
using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

public class MimeBundleTests
{
    [Fact]
    public void Maps_every_AGB_field_and_keeps_unknown_types_in_extra()
    {
        using var bundle = JsonDocument.Parse("""
            {"text/plain":"<Chart>","text/html":"<b>x</b>","text/markdown":"# x","image/png":"iVBO","image/jpeg":"/9j/",
             "image/svg+xml":"<svg/>","application/json":{"a":1},"text/latex":"\\frac{1}{2}",
             "application/vnd.vegalite.v4+json":{"mark":"bar"},"application/pdf":"JVBE"}
            """);
        ExecutionResult result = MimeBundle.ToResult(bundle.RootElement, isMainResult: true);
        Assert.Equal("<Chart>", result.Text);
        Assert.Equal("<b>x</b>", result.Html);
        Assert.Equal("# x", result.Markdown);
        Assert.Equal("iVBO", result.Png);
        Assert.Equal("/9j/", result.Jpeg);
        Assert.Equal("<svg/>", result.Svg);
        Assert.Equal(1, JsonData.ToElement(result.Json).GetProperty("a").GetInt32());
        Assert.Equal("\\frac{1}{2}", result.Latex);
        Assert.Equal("bar", JsonData.ToElement(result.Chart).GetProperty("mark").GetString());
        Assert.Equal("JVBE", JsonData.ToElement(result.Extra["application/pdf"]).GetString());
        Assert.True(result.IsMainResult);
        Assert.Contains("chart", result.Formats);
    }

    [Fact]
    public void Joins_multi_line_text_given_as_a_list()
    {
        using var bundle = JsonDocument.Parse("""{"text/plain":["a\n","b"]}""");
        Assert.Equal("a\nb", MimeBundle.ToResult(bundle.RootElement, false).Text);
    }

    [Fact]
    public void The_main_text_is_the_main_results_text()
    {
        var result = new EnhancedCodeExecutionResult
        {
            Results = [new ExecutionResult { Text = "display" }, new ExecutionResult { Text = "42", IsMainResult = true }],
            Logs = new ExecutionLogs { Stdout = ["a", "b\n"] },
        };
        Assert.Equal("42", result.Text);
        Assert.Equal("ab\n", result.Stdout);
    }
}
