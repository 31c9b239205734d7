using System.Text.Json.Nodes;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// The AgbCode client against the real server: a session's name, labels, image and creation time travel as labels, so
/// another client (a fresh AgbCloudSpace, as another process has) lists them; the reserved prefix is refused.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class ClientSessionMetadataTests(SharedServer shared)
{
    private AgbCloudSpace NewClient() => new(new Uri(shared.Server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = false });

    [Fact]
    public async Task Another_client_lists_the_session_with_its_name_labels_image_and_creation_time()
    {
        await using AgbCloudSpace creator = NewClient();
        string team = $"team-{Guid.NewGuid():N}";
        ICodeSession created = await creator.CreateSessionAsync(new SessionOptions
        {
            Name = "demo",
            Image = "agb-code-space-2",
            Labels = new Dictionary<string, string> { ["team"] = team, ["stage"] = "test" },
        });
        try
        {
            await using AgbCloudSpace other = NewClient();
            ICodeSession seen = Assert.Single(await other.ListSessionsAsync(new Dictionary<string, string> { ["team"] = team }));
            Assert.NotSame(created, seen);
            Assert.Equal(created.Id, seen.Id);
            Assert.Equal("demo", seen.Name);
            Assert.Equal("agb-code-space-2", seen.Image);
            Assert.Equal(new Dictionary<string, string> { ["team"] = team, ["stage"] = "test" }, seen.Labels);   // no reserved key shows
            Assert.Equal(created.CreatedAt.ToUniversalTime(), seen.CreatedAt.ToUniversalTime());

            ICodeSession? byId = await NewClient().GetSessionAsync(created.Id);
            Assert.Equal("demo", byId!.Name);

            // on the wire, the module's keys sit beside the user's under the reserved prefix
            Answer wire = await shared.Server.GetAsync($"/sdk/GetLabel?sessionId={created.Id}");
            JsonObject labels = JsonNode.Parse(wire.Data!["labels"]!.GetValue<string>())!.AsObject();
            Assert.Equal("demo", labels[ReservedLabels.Name]!.GetValue<string>());
            Assert.Equal("agb-code-space-2", labels[ReservedLabels.Image]!.GetValue<string>());
            Assert.Equal(created.CreatedAt.ToUniversalTime(), DateTimeOffset.Parse(labels[ReservedLabels.Created]!.GetValue<string>()).ToUniversalTime());
        }
        finally
        {
            await creator.DeleteSessionAsync(created.Id);
        }
    }

    [Fact]
    public async Task A_session_made_by_another_client_lists_with_its_labels_and_no_name()
    {
        string team = $"sdk-{Guid.NewGuid():N}";
        JsonObject made = await shared.Server.CreateSessionAsync(body: new JsonObject { ["labels"] = $$"""{"team":"{{team}}"}""" });
        string id = made["sessionId"]!.GetValue<string>();
        await using AgbCloudSpace client = NewClient();
        ICodeSession seen = Assert.Single(await client.ListSessionsAsync(new Dictionary<string, string> { ["team"] = team }));
        Assert.Equal(id, seen.Id);
        Assert.Null(seen.Name);
        Assert.Equal("", seen.Image);
        Assert.Equal(team, seen.Labels["team"]);
        await shared.Server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task A_name_set_by_another_client_is_shown_inert()
    {
        JsonObject made = await shared.Server.CreateSessionAsync();
        string id = made["sessionId"]!.GetValue<string>();
        string labels = Uri.EscapeDataString($$"""{"{{ReservedLabels.Name}}":"evil\u001b]0;owned\u0007name"}""");
        Answer set = await shared.Server.PostAsync($"/sdk/SetLabel?sessionId={id}&Labels={labels}");
        Assert.True(set.Success, set.Text);
        await using AgbCloudSpace client = NewClient();
        ICodeSession? seen = await client.GetSessionAsync(id);
        Assert.Equal("evil\u241b]0;owned\u2407name", seen!.Name);
        await shared.Server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task A_user_label_with_the_reserved_prefix_is_refused_before_anything_is_created()
    {
        await using AgbCloudSpace client = NewClient();
        int before = (await client.ListSessionsAsync()).Count;
        AgbException refused = await Assert.ThrowsAsync<AgbException>(() => client.CreateSessionAsync(new SessionOptions
        {
            Labels = new Dictionary<string, string> { ["AgbCode.Name"] = "sneaky" },
        }));
        Assert.Equal("AgbReservedLabel", refused.ErrorId);
        Assert.Contains("'AgbCode.Name'", refused.Message);
        Assert.Contains(ReservedLabels.Prefix, refused.Fix);
        Assert.Equal(before, (await client.ListSessionsAsync()).Count);
    }
}
