using System.Net;
using System.Net.Sockets;
using System.Security;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>Transport, auth and configuration errors: each names the endpoint, the cause and the fix, never the key.</summary>
public sealed class ErrorTests
{
    private const string Key = "secret-key-that-must-not-leak";

    [Fact]
    public async Task A_wrong_key_is_AgbAuthenticationFailed_without_the_key()
    {
        await using FakeAgbServer server = await FakeAgbServer.StartAsync();
        await using var space = new AgbCloudSpace(server.Endpoint, Key);

        var e = await Assert.ThrowsAsync<AgbException>(() => space.CreateSessionAsync(new SessionOptions()));

        Assert.Equal(("AgbAuthenticationFailed", AgbErrorKind.Authentication), (e.ErrorId, e.Kind));
        Assert.Contains("HTTP 401", e.Message);
        Assert.Contains(server.Endpoint.Authority, e.Message);
        Assert.Contains("-ApiKey or $env:AGB_API_KEY", e.Fix);   // what a PowerShell user types
        Assert.DoesNotContain(Key, e.ToString());
        Assert.Equal("Bearer " + Key, Assert.Single(server.Requests).Authorization);   // it was sent, to the right place
    }

    [Fact]
    public async Task A_refused_connection_is_AgbConnectionFailed_naming_the_endpoint()
    {
        int port = FreePort();
        await using var space = new AgbCloudSpace(new Uri($"http://127.0.0.1:{port}"), Key);

        var e = await Assert.ThrowsAsync<AgbException>(() => space.GetSessionAsync("s"));

        Assert.Equal(("AgbConnectionFailed", AgbErrorKind.Platform), (e.ErrorId, e.Kind));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("refused", e.Message);
        Assert.NotNull(e.Fix);
        Assert.DoesNotContain(Key, e.ToString());
    }

    [Fact]
    public async Task An_unresolvable_host_is_AgbConnectionFailed()
    {
        await using var space = new AgbCloudSpace(new Uri("https://agb.invalid"), Key, new AgbClientOptions { HttpTimeout = TimeSpan.FromSeconds(20) });

        var e = await Assert.ThrowsAsync<AgbException>(() => space.ListSessionsAsync());

        Assert.Equal("AgbConnectionFailed", e.ErrorId);
        Assert.Contains("agb.invalid", e.Message);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_in_time_is_AgbConnectionFailed()
    {
        await using FakeAgbServer server = await FakeAgbServer.StartAsync();
        server.BeforeAnswer = (_, aborted) => Task.Delay(TimeSpan.FromSeconds(30), aborted).ContinueWith(_ => { }, TaskScheduler.Default);
        await using var space = new AgbCloudSpace(server.Endpoint, FakeAgbServer.ApiKey, new AgbClientOptions { HttpTimeout = TimeSpan.FromMilliseconds(200) });

        var e = await Assert.ThrowsAsync<AgbException>(() => space.CreateSessionAsync(new SessionOptions()));

        Assert.Equal("AgbConnectionFailed", e.ErrorId);
        Assert.Contains("no answer to CreateSession within 0.2 s", e.Message);
    }

    [Fact]
    public async Task A_server_that_is_not_an_AGB_endpoint_is_told_apart()
    {
        await using FakeAgbServer server = await FakeAgbServer.StartAsync();
        server.Override = _ => (200, "<html>welcome</html>");

        var e = await Assert.ThrowsAsync<AgbException>(() => server.Space().CreateSessionAsync(new SessionOptions()));

        Assert.Equal("AgbRequestFailed", e.ErrorId);
        Assert.Contains("an AGB endpoint?", e.Message);
    }

    [Theory]
    [InlineData("http://agb.example.com")]
    [InlineData("http://10.0.0.5:8080")]
    [InlineData("http://localhost.example.com")]
    public void A_key_is_refused_over_plain_http_to_another_machine(string endpoint)
    {
        var e = Assert.Throws<AgbException>(() => new AgbCloudSpace(new Uri(endpoint), Key));

        Assert.Equal(("AgbInsecureEndpoint", AgbErrorKind.BadInput), (e.ErrorId, e.Kind));
        Assert.Contains("https://", e.Fix);
        Assert.DoesNotContain(Key, e.ToString());
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080")]
    [InlineData("http://127.8.9.10")]
    [InlineData("http://localhost:5000")]
    [InlineData("http://[::1]:5000")]
    [InlineData("https://agb.example.com")]
    public void A_key_may_go_over_TLS_or_to_this_machine(string endpoint)
    {
        using var space = new DisposableSpace(new AgbCloudSpace(new Uri(endpoint), Key));

        Assert.DoesNotContain(Key, space.Value.ToString());
    }

    [Fact]
    public void Plain_http_to_another_machine_is_allowed_only_when_asked_for_explicitly()
    {
        using var space = new DisposableSpace(new AgbCloudSpace(new Uri("http://agb.example.com"), Key, new AgbClientOptions { AllowUnencryptedAuthentication = true }));

        Assert.Equal("http://agb.example.com", space.Value.Location);
    }

    [Fact]
    public void No_key_anywhere_is_AgbApiKeyMissing()
    {
        Assert.Equal("AgbApiKeyMissing", Assert.Throws<AgbException>(() => new AgbCloudSpace(new Uri("https://agb.example.com"), " ")).ErrorId);
        Assert.Equal("AgbApiKeyMissing", Assert.Throws<AgbException>(() => AgbCloudSpace.Open("agb.example.com", null, environment: _ => null)).ErrorId);
    }

    [Fact]
    public void Open_resolves_endpoint_and_key_from_parameters_then_the_environment()
    {
        var environment = new Dictionary<string, string> { ["AGB_ENDPOINT"] = "open-env.example.com", ["AGB_API_KEY"] = "env-key" };
        string? Env(string name) => environment.GetValueOrDefault(name);

        Assert.Null(AgbCloudSpace.Open(null, null, environment: _ => null));   // no endpoint: the local engine
        AgbCloudSpace fromEnvironment = AgbCloudSpace.Open(null, null, environment: Env)!;
        Assert.Equal("https://open-env.example.com", fromEnvironment.Location);
        Assert.Same(fromEnvironment, AgbCloudSpace.Open(null, null, environment: Env));
        Assert.Contains(fromEnvironment, AgbCloudSpace.Opened);

        using var secure = new SecureString();
        foreach (char c in "parameter-key")
            secure.AppendChar(c);
        AgbCloudSpace withParameterKey = AgbCloudSpace.Open("open-env.example.com", secure, environment: Env)!;
        Assert.NotSame(fromEnvironment, withParameterKey);   // another key: another space
        Assert.Equal("http://127.0.0.1:1", AgbCloudSpace.Open("http://127.0.0.1:1", null, environment: Env)!.Location);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class DisposableSpace(AgbCloudSpace value) : IDisposable
    {
        public AgbCloudSpace Value { get; } = value;
        public void Dispose() => Value.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
