using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgbCode.Server.Config;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// Session URLs never come from a Host header nobody vouches for (docs/security.md, "Server under hostile clients"):
/// a forged Host changes nothing, a non-loopback bind without AGBCODE_PUBLIC_URL does not start, and only a configured
/// trusted proxy's forwarded host is used.
/// </summary>
public class PublicUrlTests
{
    private static async Task<JsonObject> CreateWithHeadersAsync(TestServer server, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp/createSession?imageId=agb-code-space-1") { Content = new StringContent("{}") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TestServer.KeyA);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        using HttpResponseMessage response = await server.Http.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!["data"]!.AsObject();
    }

    [Fact]
    public async Task A_forged_Host_header_does_not_change_the_session_urls()
    {
        await using TestServer server = await TestServer.StartAsync();
        JsonObject session = await CreateWithHeadersAsync(server, ("Host", "attacker.example"), ("X-Forwarded-Host", "attacker.example"));
        string id = session["sessionId"]!.GetValue<string>();
        Assert.Equal($"{server.BaseUrl}/link/{id}", session["linkUrl"]!.GetValue<string>());
        Assert.Equal($"{server.BaseUrl.Replace("http://", "ws://")}/ws/{id}", session["wsUrl"]!.GetValue<string>());
        await server.DeleteSessionAsync(id);
    }

    [Theory]
    [InlineData("http://0.0.0.0:0")]
    [InlineData("http://[::]:0")]
    public async Task A_non_loopback_bind_without_a_public_url_refuses_to_start_and_says_what_to_set(string url)
    {
        var error = await Assert.ThrowsAsync<ConfigurationError>(() => TestServer.StartWithArgsAsync(["--urls", url]));
        Assert.Contains("AGBCODE_PUBLIC_URL", error.Message);
        Assert.Contains("AGBCODE_TRUSTED_PROXIES", error.Message);
    }

    [Fact]
    public async Task Only_a_trusted_proxy_s_forwarded_host_names_the_urls()
    {
        await using TestServer proxied = await TestServer.StartWithArgsAsync(["--urls", "http://0.0.0.0:0"], ("TRUSTED_PROXIES", "127.0.0.1"));
        JsonObject session = await CreateWithHeadersAsync(proxied, ("X-Forwarded-Host", "agb.example.test"), ("X-Forwarded-Proto", "https"));
        string id = session["sessionId"]!.GetValue<string>();
        Assert.Equal($"https://agb.example.test/link/{id}", session["linkUrl"]!.GetValue<string>());
        Assert.Equal($"wss://agb.example.test/ws/{id}", session["wsUrl"]!.GetValue<string>());
        await proxied.DeleteSessionAsync(id);

        // the same server, when the proxy is someone else: a request from here gets no URLs built from its headers
        await using TestServer elsewhere = await TestServer.StartWithArgsAsync(["--urls", "http://0.0.0.0:0"], ("TRUSTED_PROXIES", "10.11.12.13"));
        Answer refused = await elsewhere.PostAsync("/mcp/createSession?imageId=agb-code-space-1");
        Assert.Equal(400, refused.Status);
        Assert.Contains("AGBCODE_PUBLIC_URL", refused.Message);
        Assert.Equal(0, elsewhere.Metrics.ActiveSessions.Value);   // refused before a session was made
    }

}
