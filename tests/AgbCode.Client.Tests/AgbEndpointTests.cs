using AgbCode.Core.Errors;

namespace AgbCode.Client.Tests;

public class AgbEndpointTests
{
    [Fact]
    public void An_endpoint_without_a_scheme_means_https() =>
        Assert.Equal("https://agb.example.com/", AgbEndpoint.Resolve("agb.example.com")!.ToString());

    [Fact]
    public void The_parameter_wins_over_the_environment() =>
        Assert.Equal("http://127.0.0.1:8080/", AgbEndpoint.Resolve("http://127.0.0.1:8080", _ => "other.example.com")!.ToString());

    [Fact]
    public void The_environment_is_used_when_no_endpoint_is_given() =>
        Assert.Equal("https://env.example.com/", AgbEndpoint.Resolve(null, n => n == AgbEndpoint.EndpointVariable ? "env.example.com" : null)!.ToString());

    [Fact]
    public void No_endpoint_anywhere_means_the_local_engine() =>
        Assert.Null(AgbEndpoint.Resolve("", _ => null));

    [Fact]
    public void A_malformed_endpoint_is_bad_input() =>
        Assert.Equal("AgbInvalidEndpoint", Assert.Throws<AgbException>(() => AgbEndpoint.Resolve("http://", _ => null)).ErrorId);
}
