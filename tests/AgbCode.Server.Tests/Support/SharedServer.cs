using System.Text.Json.Nodes;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// One server for the tests that can share it, and one session of tenant A with a warm Python kernel (kernels take up
/// to a second or more to start, so tests reuse this one wherever their behaviour allows).
/// </summary>
public sealed class SharedServer : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;
    public JsonObject Session { get; private set; } = null!;
    public string SessionId => Session["sessionId"]!.GetValue<string>();
    public string Token => Session["token"]!.GetValue<string>();
    public string LinkUrl => Session["linkUrl"]!.GetValue<string>();
    public string WsUrl => Session["wsUrl"]!.GetValue<string>();

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync(("MAX_SESSIONS_PER_TENANT", "40"), ("MAX_SESSIONS", "80"));
        Session = await Server.CreateSessionAsync();
        await Server.RunAsync(SessionId, "1");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedServerCollection : ICollectionFixture<SharedServer>
{
    public const string Name = "shared server";
}
