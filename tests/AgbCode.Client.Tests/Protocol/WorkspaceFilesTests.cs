using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>
/// AgbCloudSession.Files against the loopback server: what goes on the wire (the SDKs' tool calls, chunked to 51,200),
/// binary safety, progress, no partial file on failure, and refusals of unsafe archives.
/// </summary>
public sealed class WorkspaceFilesTests : IAsyncLifetime
{
    private FakeAgbServer _server = null!;
    private FakeWorkspace Fake => _server.Workspace;

    public async Task InitializeAsync()
    {
        _server = await FakeAgbServer.StartAsync();
        _server.OfferWebSocket = false;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<IWorkspaceFiles> FilesAsync() => (await _server.Space().CreateSessionAsync(new SessionOptions())).Files;

    private static byte[] Binary(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 256))];

    private static MemoryStream Tar(params (string Name, byte[]? Data)[] members)
    {
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Pax, leaveOpen: true))
            foreach ((string name, byte[]? data) in members)
                writer.WriteEntry(data is null
                    ? new PaxTarEntry(TarEntryType.Directory, name)
                    : new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
        archive.Position = 0;
        return archive;
    }

    [Fact]
    public async Task Upload_writes_text_plainly_and_binary_as_base64_in_chunks_of_51200_with_progress()
    {
        IWorkspaceFiles files = await FilesAsync();
        byte[] text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("line of text\n", 10_000)));   // 130,000 bytes: 3 chunks
        byte[] binary = Binary(70_000);
        var reports = new List<long>();

        await files.UploadAsync(Tar(("data", null), ("data/notes.txt", text), ("data/blob.bin", binary), ("data/empty", [])), "in",
            new SyncProgress(reports.Add));

        Assert.Equal(text, Fake.Files["in/data/notes.txt"]);
        Assert.Equal(binary, Fake.Files["in/data/blob.bin"]);
        Assert.Empty(Fake.Files["in/data/empty"]);
        Assert.DoesNotContain(Fake.Files.Keys, k => k.Contains(".agb-part-"));
        JsonElement[] writes = [.. Fake.Seen("write_file")];
        Assert.All(writes, w => Assert.True(ChunkBytes(w) <= 51_200, $"a chunk of {ChunkBytes(w)} bytes"));
        Assert.Equal(3 + 2 + 1, writes.Length);
        Assert.All(writes.Where(w => w.GetProperty("content").GetString()!.StartsWith("line")), w => Assert.False(w.TryGetProperty("format", out _)));
        Assert.Contains(writes, w => w.TryGetProperty("format", out JsonElement f) && f.GetString() == "binary");
        Assert.Equal(["overwrite", "append", "append"], writes.Where(w => w.GetProperty("path").GetString()!.Contains(".agb-part-")).Take(3).Select(w => w.GetProperty("mode").GetString()));
        Assert.Equal(text.Length + binary.Length, reports[^1]);
        Assert.Equal(reports.Order(), reports);
        Assert.Equal(6, reports.Count);   // one report per chunk
    }

    private static int ChunkBytes(JsonElement write) => write.TryGetProperty("format", out _)
        ? Convert.FromBase64String(write.GetProperty("content").GetString()!).Length
        : Encoding.UTF8.GetByteCount(write.GetProperty("content").GetString()!);

    [Fact]
    public async Task A_chunk_that_splits_a_character_goes_binary_and_the_text_round_trips()
    {
        IWorkspaceFiles files = await FilesAsync();
        byte[] text = Encoding.UTF8.GetBytes("a" + string.Concat(Enumerable.Repeat("é", 40_000)));   // a 2-byte character straddles 51,200

        await files.WriteAsync("accents.txt", text, append: false);

        Assert.Equal(text, Fake.Files["accents.txt"]);
        Assert.Contains(Fake.Seen("write_file"), w => w.TryGetProperty("format", out _));
    }

    [Fact]
    public async Task Download_reads_in_chunks_of_51200_and_builds_a_tar_of_the_folder()
    {
        IWorkspaceFiles files = await FilesAsync();
        byte[] big = Binary(120_000);
        await files.WriteAsync("out/big.bin", big, append: false);
        await files.WriteAsync("out/sub/odd name -x.txt", Encoding.UTF8.GetBytes("héllo"), append: false);
        var reports = new List<long>();
        var archive = new MemoryStream();

        await files.DownloadAsync(["out"], archive, new SyncProgress(reports.Add));

        archive.Position = 0;
        var members = new Dictionary<string, byte[]?>();
        using (var reader = new TarReader(archive))
            while (reader.GetNextEntry() is TarEntry entry)
            {
                var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                members[entry.Name] = entry.EntryType == TarEntryType.Directory ? null : data.ToArray();
            }
        Assert.Equal(["out", "out/big.bin", "out/sub", "out/sub/odd name -x.txt"], members.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(big, members["out/big.bin"]);
        Assert.Equal("héllo", Encoding.UTF8.GetString(members["out/sub/odd name -x.txt"]!));
        JsonElement[] reads = [.. Fake.Seen("read_file")];
        Assert.All(reads, r => Assert.Equal("binary", r.GetProperty("format").GetString()));
        // Chunks are read ahead, several at once: the order they reach the server is not fixed, the set of them is.
        Assert.Equal([0, 51_200, 102_400], reads.Where(r => r.GetProperty("path").GetString() == "out/big.bin").Select(r => r.GetProperty("offset").GetInt32()).Order());
        Assert.Equal(big.Length + 6, reports[^1]);
    }

    [Fact]
    public async Task A_larger_chunk_setting_means_fewer_calls_and_a_setting_out_of_range_is_refused()
    {
        IWorkspaceFiles files = (await _server.Space(new AgbClientOptions { FileChunkBytes = 100_000 }).CreateSessionAsync(new SessionOptions())).Files;
        byte[] data = Binary(250_000);

        await files.WriteAsync("big.bin", data, append: false);
        var back = new MemoryStream();
        await files.DownloadAsync(["big.bin"], back);

        Assert.Equal(3, Fake.Seen("write_file").Count());
        Assert.Equal([0, 100_000, 200_000], Fake.Seen("read_file").Select(r => r.GetProperty("offset").GetInt32()).Order());   // read ahead: any order
        Assert.Equal(data, Fake.Files["big.bin"]);
        var refused = Assert.Throws<ArgumentOutOfRangeException>(() => _server.Space(new AgbClientOptions { FileChunkBytes = 10 }));
        Assert.Contains("FileChunkBytes", refused.Message);
    }

    [Fact]
    public async Task Listing_a_server_without_the_json_extension_falls_back_to_lines_and_file_info()
    {
        IWorkspaceFiles files = await FilesAsync();
        await files.WriteAsync("dir/a.txt", Encoding.UTF8.GetBytes("12345"), append: false);
        await files.CreateDirectoryAsync("dir/sub");

        IReadOnlyList<WorkspaceItem> items = await files.ListAsync("dir", recurse: false);

        Assert.Equal(["a.txt", "sub"], items.Select(i => i.Name).Order(StringComparer.Ordinal));
        WorkspaceItem a = items.Single(i => i.Name == "a.txt");
        Assert.Equal((5L, false, "dir/a.txt", 0b110_100_100), (a.Length, a.IsDirectory, a.Path, a.Mode));
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), a.LastWriteTime);
        Assert.True(items.Single(i => i.Name == "sub").IsDirectory);
        Assert.Equal("json", Fake.Seen("list_directory").First().GetProperty("format").GetString());
    }

    [Fact]
    public async Task A_write_that_fails_midway_leaves_no_partial_file_and_names_the_cause()
    {
        IWorkspaceFiles files = await FilesAsync();
        int writes = 0;
        Fake.Refuse = (tool, _) => tool == "write_file" && ++writes == 2 ? "write_file: No space left on device (the workspace's disk cap)" : null;

        var error = await Assert.ThrowsAsync<AgbException>(() => files.UploadAsync(Tar(("big.bin", Binary(120_000))), "."));

        Assert.Equal("AgbFileOperationFailed", error.ErrorId);
        Assert.Contains("No space left on device", error.Message);
        Assert.Empty(Fake.Files.Keys);   // neither the file nor its part
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("a/../../b")]
    public async Task Archives_with_absolute_or_parent_names_are_refused_before_anything_is_written(string member)
    {
        IWorkspaceFiles files = await FilesAsync();

        var error = await Assert.ThrowsAsync<AgbException>(() => files.UploadAsync(Tar((member, [1, 2, 3])), "in"));

        Assert.Equal("AgbUnsafeArchive", error.ErrorId);
        Assert.Empty(Fake.Seen("write_file"));
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("..")]
    [InlineData("a/b")]
    public async Task A_download_refuses_a_listed_name_that_is_not_a_file_name(string forged)
    {
        IWorkspaceFiles files = await FilesAsync();
        await files.CreateDirectoryAsync("out");
        Fake.Forge = (tool, args) => tool == "list_directory" ? $$"""[{"name":"{{forged}}","path":"out/x","isDirectory":false,"size":1}]""" : null;

        var error = await Assert.ThrowsAsync<AgbException>(() => files.DownloadAsync(["out"], new MemoryStream()));

        Assert.Equal("AgbUnsafeListing", error.ErrorId);
        Assert.Empty(Fake.Seen("read_file"));
    }

    [Fact]
    public async Task Recursive_remove_walks_the_folder_deepest_first()
    {
        IWorkspaceFiles files = await FilesAsync();
        await files.WriteAsync("tree/a/b/c.txt", new byte[] { 1 }, append: false);
        await files.WriteAsync("tree/top.txt", new byte[] { 2 }, append: false);

        Assert.True(await files.RemoveAsync("tree", recurse: true));

        Assert.Equal(["tree/a/b/c.txt", "tree/a/b", "tree/top.txt", "tree/a", "tree"], Fake.Seen("delete_file").Select(d => d.GetProperty("path").GetString()));
        Assert.DoesNotContain(Fake.Files.Keys.Concat(Fake.Folders.Keys), k => k.StartsWith("tree", StringComparison.Ordinal));
        Assert.False(await files.RemoveAsync("tree", recurse: true));
    }

    [Fact]
    public async Task Shell_goes_by_the_LinkUrl_route_its_toolList_names_and_reads_a_failed_exit()
    {
        IWorkspaceFiles files = await FilesAsync();
        Fake.Shell = _ => ("""{"stdout":"out","stderr":"boom","exit_code":3,"traceId":"t-1"}""", true);

        ShellResult result = await files.ShellAsync("exit 3", "/tmp", new Dictionary<string, string> { ["A"] = "x; y" }, TimeSpan.FromSeconds(2));

        Assert.Equal(("out", "boom", 3, false), (result.Stdout, result.Stderr, result.ExitCode, result.TimedOut));
        SeenRequest call = Assert.Single(_server.Seen($"/link/{FakeAgbServer.SessionId}/callTool"));
        Assert.Equal(("shell", "system"), (call.Json.GetProperty("tool").GetString(), call.Json.GetProperty("server").GetString()));
        JsonElement args = call.Json.GetProperty("args");
        Assert.Equal((2000, "/tmp", "x; y"), (args.GetProperty("timeout_ms").GetInt32(), args.GetProperty("cwd").GetString(), args.GetProperty("envs").GetProperty("A").GetString()));
        Assert.DoesNotContain(_server.Requests, r => r.Path == "/mcp");   // file tools not in toolList would take it; shell is listed
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; posts them to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
