using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Rich output of the data packages the image has, in real kernels of one session: a pandas DataFrame or an R data.frame
/// shows as HTML beside its text and comes back as records (application/json); a printed ggplot is a PNG result.
/// </summary>
public class RichDataTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task A_pandas_DataFrame_shows_as_html_and_text_and_comes_back_as_records()
    {
        EnhancedCodeExecutionResult result = await fixture.Python(
            "import pandas as pd\nframe = pd.DataFrame({'host': ['web1', 'db1'], 'load': [0.5, 1.25], 'up': [True, False]})\nframe", timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.Contains("<table", main.Html);
        Assert.Contains("<td>db1</td>", main.Html);
        Assert.Contains("web1", main.Text);
        Assert.DoesNotContain("<", main.Text);
        Assert.Equal("""[{"host":"web1","load":0.5,"up":true},{"host":"db1","load":1.25,"up":false}]""", Json(main));
    }

    [Fact]
    public async Task A_pandas_frame_with_an_index_of_its_own_keeps_it_as_a_column_and_a_Series_is_a_list_or_an_object()
    {
        EnhancedCodeExecutionResult grouped = await fixture.Python(
            "import pandas as pd\npd.DataFrame({'team': ['a', 'b', 'a'], 'n': [1, 2, 3]}).groupby('team').sum()", timeoutSec: 60);
        EnhancedCodeExecutionResult list = await fixture.Python("pd.Series([3, 1, 2])");
        EnhancedCodeExecutionResult labelled = await fixture.Python("pd.Series({'cpu': 0.5, 'mem': 0.75})");

        Assert.Equal("""[{"team":"a","n":4},{"team":"b","n":2}]""", Json(Assert.Single(grouped.Results)));
        Assert.Equal("[3,1,2]", Json(Assert.Single(list.Results)));
        Assert.Equal("""{"cpu":0.5,"mem":0.75}""", Json(Assert.Single(labelled.Results)));
    }

    [Fact]
    public async Task An_R_data_frame_shows_as_html_and_text_and_comes_back_as_records()
    {
        EnhancedCodeExecutionResult result = await fixture.Run("r", "data.frame(host = c('web1', 'db1'), load = c(0.5, 1.25), up = c(TRUE, NA))", timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.Contains("<td>web1</td>", main.Html);
        Assert.Contains("db1", main.Text);
        Assert.Equal("""[{"host":"web1","load":0.5,"up":true},{"host":"db1","load":1.25,"up":null}]""", Json(main));
    }

    [Fact]
    public async Task A_dplyr_tibble_comes_back_as_records_too()
    {
        EnhancedCodeExecutionResult result = await fixture.Run("r",
            "suppressPackageStartupMessages(library(dplyr))\ndata.frame(team = c('a', 'b', 'a'), n = 1:3) |> group_by(team) |> summarise(n = sum(n))", timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.NotNull(main.Html);
        Assert.Equal("""[{"team":"a","n":4},{"team":"b","n":2}]""", Json(main));
    }

    [Theory]
    [InlineData("p")]          // auto-printed as the cell's last value
    [InlineData("print(p)")]   // printed explicitly
    [InlineData("for (i in 1) print(p)")]
    public async Task A_printed_ggplot_comes_back_as_a_png(string show)
    {
        EnhancedCodeExecutionResult result = await fixture.Run("r",
            $"library(ggplot2)\np <- ggplot(data.frame(x = 1:3, y = c(2, 4, 3)), aes(x, y)) + geom_point()\n{show}", timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult image = Assert.Single(result.Results, r => r.Png is not null);
        Assert.Equal(PngSignature, Convert.FromBase64String(image.Png!)[..8]);
    }

    [Fact]
    public async Task A_base_R_plot_still_comes_back_as_a_png_after_ggplot2_is_loaded()
    {
        EnhancedCodeExecutionResult result = await fixture.Run("r", "library(ggplot2)\nplot(1:10)", timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(PngSignature, Convert.FromBase64String(Assert.Single(result.Results).Png!)[..8]);
    }

    private static string Json(ExecutionResult result) => JsonSerializer.Serialize(JsonData.ToElement(result.Json));
}
