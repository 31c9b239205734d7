using System.Collections.Concurrent;
using System.Formats.Tar;
using System.Text.Json.Nodes;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// How many tool calls the AgbCode client makes per transfer against a real server whose chunk limit is 64 KiB: the
/// chunk size comes from the server's tool list, a small file is one call, a folder is listed once, and a folder is
/// removed in one call. Counted on the wire, by a handler in front of the client's real HTTP handler.
/// </summary>
public sealed class ClientFileCallsTests : IAsyncLifetime
{
    private const int Chunk = 64 * 1024;
    private readonly ToolCallCounter _calls = new();
    private TestServer _server = null!;
    private AgbCloudSpace _space = null!;
    private ICodeSession _session = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(("MAX_FILE_CHUNK_BYTES", $"{Chunk}"));
        _space = new AgbCloudSpace(new Uri(_server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = false, Handler = _calls });
        _session = await _space.CreateSessionAsync(new SessionOptions());
    }

    public async Task DisposeAsync()
    {
        await _space.DeleteSessionAsync(_session.Id);
        await _space.DisposeAsync();
        await _server.DisposeAsync();
        _calls.Dispose();
    }

    private static readonly byte[] Large = [.. Enumerable.Range(0, 3 * Chunk + 100).Select(i => (byte)(i * 13 % 256))];   // 4 chunks

    private static MemoryStream Tree()
    {
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (string folder in new[] { "t", "t/a", "t/a/b", "t/empty" })
                writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, folder));
            foreach (string file in new[] { "t/1.txt", "t/2.txt", "t/a/3.txt", "t/a/b/4.txt", "t/a/b/5.txt" })
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, file) { DataStream = new MemoryStream("small"u8.ToArray()) });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, "t/large.bin") { DataStream = new MemoryStream(Large) });
        }
        archive.Position = 0;
        return archive;
    }

    [Fact]
    public async Task A_transfer_makes_one_call_per_small_file_and_per_chunk_and_lists_a_folder_once()
    {
        IWorkspaceFiles files = _session.Files;
        _calls.Clear();
        await files.UploadAsync(Tree(), ".");
        Assert.Equal(new Dictionary<string, int>
        {
            ["write_file"] = 5 + 4,         // a call per small file, four 64 KiB chunks for the large one (the server's chunk, not the SDKs' 51,200)
            ["move_file"] = 1,              // the large file's part file into place
            ["create_directory"] = 1,       // only the folder no file was written into
        }, _calls.Snapshot());

        _calls.Clear();
        var archive = new MemoryStream();
        await files.DownloadAsync(["t"], archive);
        Assert.Equal(new Dictionary<string, int> { ["get_file_info"] = 1, ["list_directory"] = 1, ["read_file"] = 5 + 4 }, _calls.Snapshot());
        archive.Position = 0;
        var back = new Dictionary<string, byte[]>();
        using (var reader = new TarReader(archive))
            while (reader.GetNextEntry() is TarEntry entry)
            {
                var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                back[entry.Name] = data.ToArray();
            }
        Assert.Equal(["t", "t/1.txt", "t/2.txt", "t/a", "t/a/3.txt", "t/a/b", "t/a/b/4.txt", "t/a/b/5.txt", "t/empty", "t/large.bin"], back.Keys);
        Assert.Equal(Large, back["t/large.bin"]);

        _calls.Clear();
        Assert.True(await files.RemoveAsync("t", recurse: true));
        Assert.Equal(new Dictionary<string, int> { ["get_file_info"] = 1, ["delete_file"] = 1 }, _calls.Snapshot());
        Assert.Null(await files.GetItemAsync("t"));
    }

    [Fact]
    public async Task Refusals_carry_the_engine_s_error_id_and_names_come_back_exactly()
    {
        IWorkspaceFiles files = _session.Files;
        await files.WriteAsync("full/new\nline.txt", "x"u8.ToArray(), append: false);

        var notEmpty = await Assert.ThrowsAsync<AgbException>(() => files.RemoveAsync("full", recurse: false));

        Assert.Equal(WorkspaceErrors.FolderNotEmpty, notEmpty.ErrorId);
        Assert.Equal(AgbErrorKind.InvalidState, notEmpty.Kind);
        Assert.DoesNotContain("[Agb", notEmpty.Message);
        Assert.Equal("new\nline.txt", (await files.GetItemAsync("full/new\nline.txt"))!.Name);
        var missing = await Assert.ThrowsAsync<AgbException>(() => files.ReadAsync("full/nothing", 0, 10));
        Assert.Equal(WorkspaceErrors.ItemNotFound, missing.ErrorId);
    }

    /// <summary>Counts the tool calls that go on the wire (API route: "name"; LinkUrl route: "tool"), then sends them on.</summary>
    private sealed class ToolCallCounter() : DelegatingHandler(new SocketsHttpHandler())
    {
        private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

        public void Clear() => _calls.Clear();

        public Dictionary<string, int> Snapshot() => new(_calls.OrderBy(c => c.Key, StringComparer.Ordinal));

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string path = request.RequestUri!.AbsolutePath;
            if (request.Content is not null && (path.EndsWith("/mcp", StringComparison.Ordinal) || path.EndsWith("/callTool", StringComparison.Ordinal)))
            {
                JsonObject body = JsonNode.Parse(await request.Content.ReadAsStringAsync(cancellationToken))!.AsObject();
                string tool = (body["name"] ?? body["tool"])!.GetValue<string>();
                _calls.AddOrUpdate(tool, 1, (_, count) => count + 1);
            }
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
