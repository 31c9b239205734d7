using System.Formats.Tar;
using AgbCode.Client;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// AgbCloudSpace.Contexts against the real server: make, find, list and remove contexts; files put in through
/// OpenFilesAsync reach a session that mounts the context (SessionOptions.Contexts → persistenceDataList); the endpoint's
/// context error ids come back unchanged; another key's contexts are not there.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class ClientContextTests(SharedServer shared) : IAsyncLifetime
{
    private AgbCloudSpace _space = null!;
    private AgbCloudSpace _other = null!;
    private readonly string _name = "cctx-" + Guid.NewGuid().ToString("N")[..12];

    public Task InitializeAsync()
    {
        var options = new AgbClientOptions { UseWebSocket = false };
        _space = new AgbCloudSpace(new Uri(shared.Server.BaseUrl), TestServer.KeyA, options);
        _other = new AgbCloudSpace(new Uri(shared.Server.BaseUrl), TestServer.KeyB, options);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _space.Contexts.DeleteAsync(_name);
        await _space.DisposeAsync();
        await _other.DisposeAsync();
    }

    [Fact]
    public async Task A_context_is_made_found_by_name_and_id_listed_and_refused_twice()
    {
        ContextInfo made = await _space.Contexts.CreateAsync(_name);

        Assert.Equal(_name, made.Name);
        Assert.Equal("available", made.State);
        Assert.Equal(made.Id, (await _space.Contexts.GetAsync(_name))!.Id);
        Assert.Equal(_name, (await _space.Contexts.GetAsync(made.Id))!.Name);
        Assert.Contains(await _space.Contexts.ListAsync(), c => c.Id == made.Id);
        AgbException twice = await Assert.ThrowsAsync<AgbException>(() => _space.Contexts.CreateAsync(_name));
        Assert.Equal(ContextErrors.ExistsId, twice.ErrorId);
        Assert.Null(await _other.Contexts.GetAsync(_name));
        Assert.Null(await _other.Contexts.GetAsync(made.Id));
        Assert.False(await _other.Contexts.DeleteAsync(made.Id));
    }

    [Fact]
    public async Task Files_put_into_a_context_are_read_by_a_session_that_mounts_it_and_removing_it_then_is_refused_as_in_use()
    {
        await _space.Contexts.CreateAsync(_name);
        await using (IContextFiles files = await _space.Contexts.OpenFilesAsync(_name))
        {
            var archive = new MemoryStream();
            using (var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true))
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "data.csv") { DataStream = new MemoryStream("x,y\n1,2\n"u8.ToArray()) });
            archive.Position = 0;
            await files.Files.UploadAsync(archive, "/sets");
            Assert.Equal("sets/data.csv", Assert.Single(await files.Files.ListAsync("/sets", recurse: false)).Path);
        }

        ICodeSession session = await _space.CreateSessionAsync(new SessionOptions { Contexts = [ContextMount.Parse($"{_name}:/contexts/mine")] });
        try
        {
            var result = await session.RunAsync(new RunRequest("print(open('/contexts/mine/sets/data.csv').read())", "python"));
            Assert.Equal("x,y\n1,2\n\n", result.Stdout);
            AgbException inUse = await Assert.ThrowsAsync<AgbException>(() => _space.Contexts.DeleteAsync(_name));
            Assert.Equal(ContextErrors.InUseId, inUse.ErrorId);
            AgbException theirs = await Assert.ThrowsAsync<AgbException>(() =>
                _other.CreateSessionAsync(new SessionOptions { Contexts = [ContextMount.Parse($"{_name}:/contexts/theirs")] }));
            Assert.Equal(ContextErrors.NotFoundId, theirs.ErrorId);
        }
        finally
        {
            await _space.DeleteSessionAsync(session.Id);
        }
        Assert.True(await _space.Contexts.DeleteAsync(_name));
        Assert.Null(await _space.Contexts.GetAsync(_name));
    }
}
