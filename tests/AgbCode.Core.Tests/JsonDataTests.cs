using System.Text.Json;
using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

/// <summary>JSON a kernel sent, held as plain data and written again: numbers keep their kind (ConvertFrom-Json reads 2.0 as a double, 2 as an integer).</summary>
public class JsonDataTests
{
    [Theory]
    [InlineData("[1.0,2.5,3,-4.0,0.0,-0.0]", "[1.0,2.5,3,-4.0,0.0,-0.0]")]
    [InlineData("{\"cpu\":21.0,\"n\":21}", "{\"cpu\":21.0,\"n\":21}")]
    [InlineData("[1e20,1.5e-7,9007199254740993]", "[1E+20,1.5E-07,9007199254740993]")]
    public void Numbers_keep_their_kind_through_plain_data(string sent, string written)
    {
        using JsonDocument document = JsonDocument.Parse(sent);
        object? data = JsonData.From(document.RootElement);

        Assert.Equal(written, JsonData.Text(data));
        Assert.Equal(written, JsonData.ToElement(data).GetRawText());
    }

    [Fact]
    public void A_whole_number_written_as_a_real_stays_a_real()
    {
        using JsonDocument document = JsonDocument.Parse("[21.0, 21]");
        var items = Assert.IsType<List<object?>>(JsonData.From(document.RootElement));
        Assert.IsType<double>(items[0]);
        Assert.IsType<long>(items[1]);
    }
}
