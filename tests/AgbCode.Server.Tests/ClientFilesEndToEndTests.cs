using System.Formats.Tar;
using System.Text;
using AgbCode.Client;
using AgbCode.Core.Files;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// The AgbCode client's session files against the real server and sandbox: a tar of odd names, text, binary and a
/// link goes in through the file tools, is seen by the session's kernel and shell, and comes back byte for byte.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class ClientFilesEndToEndTests(SharedServer shared) : IAsyncLifetime
{
    private AgbCloudSpace _space = null!;
    private ICodeSession _session = null!;

    public async Task InitializeAsync()
    {
        _space = new AgbCloudSpace(new Uri(shared.Server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = false });
        _session = await _space.CreateSessionAsync(new SessionOptions());
    }

    public async Task DisposeAsync()
    {
        await _space.DeleteSessionAsync(_session.Id);
        await _space.DisposeAsync();
    }

    private static readonly Dictionary<string, byte[]> Contents = new()
    {
        ["data/notes.txt"] = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("a line of text, é and 😀\n", 5_000))),   // 3 chunks
        ["data/blob.bin"] = [.. Enumerable.Range(0, 150_000).Select(i => (byte)(i * 31 % 251))],
        ["data/empty"] = [],
        ["data/with space.txt"] = "spaced"u8.ToArray(),
        ["data/ünïcødé.txt"] = "unicode"u8.ToArray(),
        ["data/-leading-dash"] = "dash"u8.ToArray(),
        ["data/new\nline"] = "newline"u8.ToArray(),
        ["data/a/b/c.txt"] = "deep"u8.ToArray(),
    };

    private static MemoryStream Archive()
    {
        var archive = new MemoryStream();
        using (var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true))
        {
            foreach (string folder in new[] { "data", "data/a", "data/a/b" })
                writer.WriteEntry(new GnuTarEntry(TarEntryType.Directory, folder));
            foreach ((string name, byte[] data) in Contents)
                writer.WriteEntry(new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) });
            writer.WriteEntry(new GnuTarEntry(TarEntryType.SymbolicLink, "data/link") { LinkName = "a/b/c.txt" });
        }
        archive.Position = 0;
        return archive;
    }

    [Fact]
    public async Task Files_round_trip_through_the_file_tools_and_the_kernel_sees_them()
    {
        IWorkspaceFiles files = _session.Files;
        var uploaded = new List<long>();

        await files.UploadAsync(Archive(), ".", new SyncProgress(uploaded.Add));

        Assert.Equal(Contents.Values.Sum(c => (long)c.Length), uploaded[^1]);
        Assert.Equal(Contents.Count, uploaded.Count);   // each file fits one of the server's 4 MiB chunks: a report each
        Assert.Equal(uploaded.Order(), uploaded);
        IReadOnlyList<WorkspaceItem> listed = await files.ListAsync("data", recurse: true);
        Assert.Equal(Contents.Keys.Append("data/a").Append("data/a/b").Append("data/link").Order(StringComparer.Ordinal),
            listed.Select(i => i.Path).Order(StringComparer.Ordinal));
        Assert.Equal(150_000, listed.Single(i => i.Name == "blob.bin").Length);
        Assert.Equal("a/b/c.txt", listed.Single(i => i.Name == "link").LinkTarget);
        Assert.DoesNotContain(listed, i => i.Name.StartsWith(".agb-part-", StringComparison.Ordinal));

        EnhancedCodeExecutionResult run = await _session.RunAsync(new RunRequest(
            "import hashlib\nprint(open('data/link').read(), hashlib.sha256(open('data/blob.bin','rb').read()).hexdigest())", "python", 30));
        Assert.Equal($"deep {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Contents["data/blob.bin"]))}\n", run.Stdout);
        ShellResult shell = await files.ShellAsync("cat -- \"$F\"", "data", new Dictionary<string, string> { ["F"] = "-leading-dash" }, TimeSpan.FromSeconds(10));
        Assert.Equal(("dash", 0), (shell.Stdout, shell.ExitCode));

        var downloaded = new List<long>();
        var archive = new MemoryStream();
        await files.DownloadAsync(["data"], archive, new SyncProgress(downloaded.Add));
        archive.Position = 0;
        var back = new Dictionary<string, byte[]>();
        string? link = null;
        using (var reader = new TarReader(archive))
            while (reader.GetNextEntry() is TarEntry entry)
            {
                if (entry.EntryType == TarEntryType.SymbolicLink)
                    link = entry.LinkName;
                else if (entry.EntryType == TarEntryType.RegularFile)
                {
                    var data = new MemoryStream();
                    entry.DataStream?.CopyTo(data);
                    back[entry.Name] = data.ToArray();
                }
            }
        Assert.Equal(Contents.Keys.Order(StringComparer.Ordinal), back.Keys.Order(StringComparer.Ordinal));
        Assert.All(Contents, c => Assert.Equal(c.Value, back[c.Key]));
        Assert.Equal("a/b/c.txt", link);
        Assert.Equal(Contents.Values.Sum(c => (long)c.Length), downloaded[^1]);

        Assert.True(await files.RemoveAsync("data", recurse: true));
        Assert.Null(await files.GetItemAsync("data"));
        Assert.False(await files.RemoveAsync("data", recurse: true));
    }

    [Fact]
    public async Task Single_files_read_and_write_by_range_and_errors_name_their_cause()
    {
        IWorkspaceFiles files = _session.Files;
        byte[] bytes = [.. Enumerable.Range(0, 120_000).Select(i => (byte)(i % 256))];

        await files.WriteAsync("range.bin", bytes, append: false);
        await files.WriteAsync("range.bin", new byte[] { 1, 2, 3 }, append: true);

        Assert.Equal(bytes.Skip(100_000).Take(10), await files.ReadAsync("range.bin", 100_000, 10));
        Assert.Equal(120_003, (await files.GetItemAsync("range.bin"))!.Length);
        await files.MoveAsync("range.bin", "moved.bin");
        Assert.Null(await files.GetItemAsync("range.bin"));
        var missing = await Assert.ThrowsAsync<AgbCode.Core.Errors.AgbException>(() => files.ReadAsync("range.bin", 0, 10));
        Assert.Contains("read_file", missing.Message);
        Assert.Contains("range.bin", missing.Message);
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; posts them to the thread pool).</summary>
    private sealed class SyncProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
