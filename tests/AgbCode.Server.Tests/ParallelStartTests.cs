using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// The engine makes sandboxes (mkfs, mount, cgroups) without holding pool threads, so the server needs no raised
/// thread-pool floor: sessions created all at once all start, and the server answers other requests meanwhile.
/// </summary>
[Collection(SharedServerCollection.Name)]
public class ParallelStartTests(SharedServer shared)
{
    private TestServer Server => shared.Server;

    [Fact]
    public async Task Sessions_created_all_at_once_all_start_while_the_server_keeps_answering()
    {
        ThreadPool.GetMinThreads(out int floor, out _);
        Assert.Equal(Environment.ProcessorCount, floor);   // nothing raised it (the server once did, to hide blocking calls)

        const int sessions = 12;
        Task<JsonObject>[] creations = [.. Enumerable.Range(0, sessions).Select(_ => Task.Run(() => Server.CreateSessionAsync()))];
        HttpResponseMessage health = await Server.Http.GetAsync("/healthz");   // asked while the creations are under way
        JsonObject[] created = await Task.WhenAll(creations);
        try
        {
            Assert.True(health.IsSuccessStatusCode);
            Assert.Equal(sessions, created.Select(c => c["sessionId"]!.GetValue<string>()).Distinct().Count());
            foreach (JsonObject session in created)
            {
                var (payload, _) = await Server.RunAsync(session["sessionId"]!.GetValue<string>(), "print(6 * 7)");
                Assert.Contains("42", payload.ToJsonString());
            }
        }
        finally
        {
            await Task.WhenAll(created.Select(c => Server.DeleteSessionAsync(c["sessionId"]!.GetValue<string>())));
        }
    }
}
