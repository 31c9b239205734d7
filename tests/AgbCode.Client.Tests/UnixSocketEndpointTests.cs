using System.Net.Sockets;
using System.Text;
using AgbCode.Client.Http;
using AgbCode.Core.Errors;

namespace AgbCode.Client.Tests;

/// <summary>unix:///path endpoints: how they are written, and what goes over the socket (a real one, read byte for byte).</summary>
public class UnixSocketEndpointTests
{
    [Fact]
    public void A_unix_endpoint_names_the_socket_by_its_absolute_path()
    {
        Uri endpoint = AgbEndpoint.Resolve("unix:///run/agbcode/engine.sock", _ => null)!;
        Assert.True(UnixSocketTransport.IsUnix(endpoint));
        Assert.Equal("/run/agbcode/engine.sock", UnixSocketTransport.SocketPath(endpoint));
    }

    [Theory]
    [InlineData("unix://host/engine.sock")]
    [InlineData("unix:engine.sock")]
    [InlineData("unix:///run/agbcode/")]
    public void A_unix_endpoint_with_a_host_or_without_an_absolute_file_path_is_bad_input(string endpoint)
    {
        var error = Assert.Throws<AgbException>(() => AgbEndpoint.Resolve(endpoint, _ => null));
        Assert.Equal("AgbInvalidEndpoint", error.ErrorId);
        Assert.Contains("unix:///run/agbcode/engine.sock", error.Fix);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a-key-meant-for-another-endpoint")]
    public async Task Calls_go_to_the_socket_for_localhost_and_carry_no_key(string key)
    {
        string directory = Directory.CreateTempSubdirectory("agbcode-unix-").FullName;
        string path = Path.Combine(directory, "engine.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        await using var space = new AgbCloudSpace(new Uri("unix://" + path), key);
        Assert.Equal("unix://" + path, space.Location);
        Task<IReadOnlyList<Core.Sessions.ICodeSession>> listing = space.ListSessionsAsync();
        using Socket connection = await listener.AcceptAsync();
        string head = await ReadHeadAsync(connection);
        const string body = """{"success":true,"code":"ok","data":[],"nextToken":""}""";
        await connection.SendAsync(Encoding.ASCII.GetBytes(
            $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
        Assert.Empty(await listing);
        Assert.StartsWith("GET /sdk/ListSession?", head);
        Assert.Contains("\r\nHost: localhost\r\n", head);
        Assert.DoesNotContain("authorization", head, StringComparison.OrdinalIgnoreCase);
        Directory.Delete(directory, recursive: true);
    }

    private static async Task<string> ReadHeadAsync(Socket connection)
    {
        var head = new StringBuilder();
        var buffer = new byte[4096];
        while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int read = await connection.ReceiveAsync(buffer);
            Assert.NotEqual(0, read);
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        return head.ToString();
    }
}
