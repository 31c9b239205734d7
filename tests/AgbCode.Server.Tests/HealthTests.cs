using System.Net;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

[Collection(SharedServerCollection.Name)]
public class HealthTests(SharedServer shared)
{
    [Fact]
    public async Task Answers_healthz_on_a_real_loopback_Kestrel_without_a_key()
    {
        HttpResponseMessage response = await shared.Server.Http.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.StartsWith("http://127.0.0.1:", shared.Server.BaseUrl);
    }
}
