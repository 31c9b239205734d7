using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;

namespace AgbCode.Core.Tests;

public class NetworkAllowListTests
{
    [Theory]
    [InlineData("api.Example.com:443", "api.example.com:443", NetworkHostKind.Name)]
    [InlineData(" 10.1.2.3:8000-8010 ", "10.1.2.3:8000-8010", NetworkHostKind.Address)]
    [InlineData("10.0.0.0/8:443", "10.0.0.0/8:443", NetworkHostKind.Block)]
    [InlineData("[FD00::1]:53/udp", "[fd00::1]:53/udp", NetworkHostKind.Address)]
    [InlineData("[fd00::/64]:443/TCP", "[fd00::/64]:443", NetworkHostKind.Block)]
    [InlineData("localhost:8080", "localhost:8080", NetworkHostKind.HostLoopback)]
    [InlineData("127.0.0.1:8080", "localhost:8080", NetworkHostKind.HostLoopback)]
    [InlineData("[::1]:8080", "localhost:8080", NetworkHostKind.HostLoopback)]
    public void Valid_entries_parse_to_their_canonical_form(string raw, string canonical, NetworkHostKind kind)
    {
        NetworkEntry entry = Assert.Single(NetworkAllowList.Parse([raw]).Entries);
        Assert.Equal(canonical, entry.ToString());
        Assert.Equal(kind, entry.Kind);
    }

    [Theory]
    [InlineData("example.com", "not HOST:PORT")]
    [InlineData("example.com:0", "not between 1 and 65535")]
    [InlineData("example.com:70000", "not between 1 and 65535")]
    [InlineData("example.com:90-80", "runs backwards")]
    [InlineData("fd00::1:443", "not HOST:PORT")]
    [InlineData("[10.1.2.3]:443", "only IPv6 addresses go in brackets")]
    [InlineData("10.1:443", "dotted-quad")]
    [InlineData("10.0.0.1/8:443", "bits set past its prefix; the block is 10.0.0.0/8")]
    [InlineData("10.0.0.0/33:443", "longer than the 32 bits")]
    [InlineData("127.0.0.0/8:80", "loopback block")]
    [InlineData("127.0.0.2:80", "only 127.0.0.1 and [::1]")]
    [InlineData("0.0.0.0:80", "unspecified address")]
    [InlineData("*.example.com:443", "not a DNS name")]
    [InlineData("example.com:443/icmp", "not HOST:PORT")]
    public void Bad_entries_are_refused_with_the_reason_and_the_grammar(string raw, string reason)
    {
        var error = Assert.Throws<AgbException>(() => NetworkAllowList.Parse(["localhost:1", raw]));
        Assert.Equal("AgbInvalidNetworkEntry", error.ErrorId);
        Assert.Equal(AgbErrorKind.BadInput, error.Kind);
        Assert.Contains($"'{raw}'", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.Equal(NetworkAllowList.Grammar, error.Fix);
    }

    [Fact]
    public void Duplicates_collapse_and_the_list_has_a_ceiling()
    {
        Assert.Single(NetworkAllowList.Parse(["localhost:80", "127.0.0.1:80", "LOCALHOST:80"]).Entries);
        Assert.True(NetworkAllowList.Parse(null).IsEmpty);
        string[] tooMany = [.. Enumerable.Range(1, NetworkAllowList.MaxEntries + 1).Select(port => $"10.0.0.1:{port}")];
        var error = Assert.Throws<AgbException>(() => NetworkAllowList.Parse(tooMany));
        Assert.Equal("AgbNetworkListTooLong", error.ErrorId);
        Assert.Contains($"at most {NetworkAllowList.MaxEntries}", error.Message);
    }
}
