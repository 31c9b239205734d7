using System.Net;
using Microsoft.AspNetCore.Builder;

namespace AgbCode.Server.Tests;

public class HealthTests
{
    [Fact]
    public async Task Answers_healthz_on_a_real_loopback_Kestrel()
    {
        await using WebApplication app = Program.BuildApp(["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        string address = app.Urls.Single();
        using var client = new HttpClient();
        HttpResponseMessage response = await client.GetAsync($"{address}/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        await app.StopAsync();
    }
}
