using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>A session's files moved in and out through the helper in its sandbox: round trips, listings, odd names.</summary>
public class WorkspaceFilesTests(SessionFixture fixture) : WorkspaceFilesTestBase(fixture), IClassFixture<SessionFixture>
{
    [Fact]
    public async Task A_large_file_round_trips_byte_for_byte_and_progress_counts_every_byte()
    {
        byte[] content = Archives.RandomBytes(24 * 1024 * 1024, seed: 1);
        MemoryStream archive = Archives.Of(("big.bin", content));
        long reported = 0;
        await Files.UploadAsync(archive, "large", new SynchronousProgress(total => reported = total));
        Assert.Equal(archive.Length, reported);

        string inside = await Python("import hashlib; print(hashlib.sha256(open('large/big.bin','rb').read()).hexdigest())");
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), inside);

        Dictionary<string, Archives.Entry> back = await Download("large/big.bin");
        Assert.Equal(["big.bin"], back.Keys);
        Assert.Equal(content, back["big.bin"].Content);
    }

    [Fact]
    public async Task Many_small_files_in_folders_round_trip()
    {
        var files = Enumerable.Range(0, 300).Select(i => ($"tree/d{i % 7}/f{i}.txt", Encoding.UTF8.GetBytes($"file {i}\n"))).ToArray();
        await Files.UploadAsync(Archives.Of(files), "many");

        Assert.Equal("300", await Python("import os; print(sum(len(f) for _, _, f in os.walk('many/tree')))"));
        Dictionary<string, Archives.Entry> back = await Download("many/tree");
        foreach (var (name, content) in files)
            Assert.Equal(content, back[name].Content);
        Assert.Equal(TarEntryType.Directory, back["tree/d3/"].Type);
    }

    [Fact]
    public async Task Odd_names_round_trip_through_upload_listing_and_download()
    {
        string[] names = ["with space.txt", "ünïcødé-名前.txt", "-leading-dash", "new\nline", "quote'\"$(x).txt"];
        await Files.UploadAsync(Archives.Of([.. names.Select(n => (n, Encoding.UTF8.GetBytes("content of " + n)))]), "odd");

        IReadOnlyList<WorkspaceItem> listed = await Files.ListAsync("odd", recurse: false);
        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.All(listed, item => Assert.Equal("odd/" + item.Name, item.Path));
        Assert.Equal(names.Length, int.Parse(await Python("import os; print(len(os.listdir('odd')))")));

        Dictionary<string, Archives.Entry> back = await Download(names.Select(n => "odd/" + n).ToArray());
        foreach (string name in names)
            Assert.Equal("content of " + name, Encoding.UTF8.GetString(back[name].Content));
    }

    [Fact]
    public async Task Listing_describes_files_folders_and_links_and_recurses_when_asked()
    {
        await Python("""
            import os
            os.makedirs('listing/sub', exist_ok=True)
            open('listing/a.txt', 'w').write('12345')
            open('listing/sub/b.txt', 'w').write('x')
            os.chmod('listing/a.txt', 0o640)
            os.symlink('/etc/passwd', 'listing/link')
            """);
        IReadOnlyList<WorkspaceItem> flat = await Files.ListAsync("listing", recurse: false);
        Assert.Equal(["a.txt", "link", "sub"], flat.Select(i => i.Name));
        WorkspaceItem a = flat[0];
        Assert.Equal((5L, false, Convert.ToInt32("640", 8), "listing/a.txt", Fixture.Session.Id), (a.Length, a.IsDirectory, a.Mode, a.Path, a.SessionId));
        Assert.True(a.LastWriteTime > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Equal("/etc/passwd", flat[1].LinkTarget);
        Assert.True(flat[2].IsDirectory);

        IReadOnlyList<WorkspaceItem> deep = await Files.ListAsync("listing", recurse: true);
        Assert.Equal(["listing/a.txt", "listing/link", "listing/sub", "listing/sub/b.txt"], deep.Select(i => i.Path));

        Assert.Equal("listing/a.txt", Assert.Single(await Files.ListAsync("listing/a.txt", recurse: false)).Path);
        Assert.Null(await Files.GetItemAsync("listing/none"));
        var missing = await Assert.ThrowsAsync<AgbException>(() => Files.ListAsync("listing/none", recurse: false));
        Assert.Equal("AgbItemNotFound", missing.ErrorId);
    }

    [Fact]
    public async Task Files_written_by_a_kernel_are_seen_by_the_helper_and_the_other_way_round()
    {
        await Python("import os; os.makedirs('shared', exist_ok=True); open('shared/from-kernel.txt', 'w').write('kernel wrote this')");
        Assert.Equal("kernel wrote this", Encoding.UTF8.GetString(await Files.ReadAsync("shared/from-kernel.txt", 0, 0)));

        await Files.WriteAsync("shared/from-helper.txt", Encoding.UTF8.GetBytes("helper wrote this"), append: false);
        Assert.Equal("helper wrote this", await Python("print(open('shared/from-helper.txt').read())"));
        Assert.Equal("1000", await Python("import os; print(os.stat('shared/from-helper.txt').st_uid)"));   // the session's uid
    }

    private sealed class SynchronousProgress(Action<long> report) : IProgress<long>
    {
        public void Report(long value) => report(value);
    }
}
