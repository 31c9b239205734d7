using System.Formats.Tar;
using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>A session with a small disk and an environment of its own, for the helper's refusals and the shell.</summary>
public sealed class SmallDiskFixture : SessionFixture
{
    protected override SessionOptions Options => new()
    {
        Limits = SessionLimits.Default with { DiskBytes = 24 * SessionLimits.MiB, FileSizeBytes = 64 * SessionLimits.MiB, TmpBytes = 8 * SessionLimits.MiB },
        Environment = new Dictionary<string, string> { ["SESSION_SETTING"] = "from the session" },
    };
}

/// <summary>What the file helper refuses, and how it stays confined: quotas, planted links, special files, hostile names.</summary>
public class WorkspaceFilesSafetyTests(SmallDiskFixture fixture) : WorkspaceFilesTestBase(fixture), IClassFixture<SmallDiskFixture>
{
    [Fact]
    public async Task An_upload_over_the_disk_cap_fails_naming_the_limit_and_leaves_no_partial_file()
    {
        MemoryStream archive = Archives.Of(("small.txt", "kept"u8.ToArray()), ("huge.bin", new byte[40 * 1024 * 1024]));
        var full = await Assert.ThrowsAsync<AgbException>(() => Files.UploadAsync(archive, "quota"));

        Assert.Equal("AgbWorkspaceFull", full.ErrorId);
        Assert.Contains("huge.bin", full.Message);
        Assert.Contains("DiskBytes", full.Message);
        Assert.Contains("24 MiB", full.Message);
        Assert.Contains("-DiskMB", full.Fix);
        Assert.Equal("quota/small.txt", await Names("quota"));   // no huge.bin, no temporary part
        Assert.True(long.Parse(await Python("import os; s = os.statvfs('.'); print(s.f_bavail * s.f_frsize)")) > 20 * 1024 * 1024,
            "the failed file's blocks were not given back");
    }

    [Fact]
    public async Task An_archive_cut_off_inside_a_file_fails_and_leaves_no_partial_file()
    {
        MemoryStream whole = Archives.Of(("first.txt", "complete"u8.ToArray()), ("cut.bin", new byte[200 * 1024]));
        var cut = new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]);

        var refused = await Assert.ThrowsAsync<AgbException>(() => Files.UploadAsync(cut, "truncated"));

        Assert.Equal("AgbUnsafeArchive", refused.ErrorId);
        Assert.Contains("not a valid tar stream", refused.Message);
        Assert.Equal("truncated/first.txt", await Names("truncated"));
    }

    [Fact]
    public async Task A_write_to_a_full_tmp_names_the_tmp_limit_and_keeps_nothing()
    {
        var full = await Assert.ThrowsAsync<AgbException>(() => Files.WriteAsync("/tmp/too-big.bin", new byte[12 * 1024 * 1024], append: false));
        Assert.Equal("AgbWorkspaceFull", full.ErrorId);
        Assert.Contains("TmpBytes", full.Message);
        Assert.Null(await Files.GetItemAsync("/tmp/too-big.bin"));
        Assert.Equal("", await Python("import os; print(','.join(n for n in os.listdir('/tmp') if n.startswith('.agb-part')))"));
    }

    [Fact]
    public async Task A_link_to_a_host_file_planted_by_user_code_downloads_as_a_link_never_as_the_file()
    {
        string secret = Path.Combine(Path.GetTempPath(), $"agbcode-host-secret-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(secret, "host secret");
        try
        {
            await Python($"""
                import os
                os.makedirs('planted', exist_ok=True)
                os.symlink({Quoted(secret)}, 'planted/to-host')
                os.symlink('/etc/passwd', 'planted/to-passwd')
                os.symlink('{Fixture.Session.WorkspacePath}', 'planted/to-workspace-host-path')
                """);
            Dictionary<string, Archives.Entry> single = await Download("planted/to-host");
            Dictionary<string, Archives.Entry> folder = await Download("planted");

            Assert.Equal(TarEntryType.SymbolicLink, single["to-host"].Type);
            Assert.Equal(secret, single["to-host"].LinkTarget);
            foreach (string name in new[] { "planted/to-host", "planted/to-passwd", "planted/to-workspace-host-path" })
            {
                Assert.Equal(TarEntryType.SymbolicLink, folder[name].Type);
                Assert.Empty(folder[name].Content);
            }
            var read = await Assert.ThrowsAsync<AgbException>(() => Files.ReadAsync("planted/to-host", 0, 0));
            Assert.Equal("AgbItemNotFound", read.ErrorId);   // followed inside the sandbox, where the host file is not
        }
        finally
        {
            File.Delete(secret);
        }
    }

    [Fact]
    public async Task Fifos_and_device_nodes_are_archived_as_what_they_are_and_never_read()
    {
        await Python("import os; os.makedirs('special', exist_ok=True); os.mkfifo('special/pipe'); open('special/plain.txt', 'w').write('plain')");

        Dictionary<string, Archives.Entry> folder = await Download("special", "/dev/zero", "/dev/null");   // a FIFO with no writer would hang a reader

        Assert.Equal(TarEntryType.Fifo, folder["special/pipe"].Type);
        Assert.Equal("plain", Encoding.UTF8.GetString(folder["special/plain.txt"].Content));
        Assert.Equal(TarEntryType.CharacterDevice, folder["zero"].Type);   // an endless device, never read
        Assert.Empty(folder["zero"].Content);
        Assert.Equal(TarEntryType.CharacterDevice, folder["null"].Type);
        foreach (string path in new[] { "special/pipe", "/dev/zero" })
            Assert.Equal("AgbPathConflict", (await Assert.ThrowsAsync<AgbException>(() => Files.ReadAsync(path, 0, 0))).ErrorId);
        var device = Archives.Build(w => w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "dev") { DeviceMajor = 1, DeviceMinor = 5 }));
        var refused = await Assert.ThrowsAsync<AgbException>(() => Files.UploadAsync(device, "special"));
        Assert.Equal("AgbUnsafeArchive", refused.ErrorId);
        Assert.Contains("device node or FIFO", refused.Message);
    }

    [Fact]
    public async Task A_destination_under_a_file_is_refused_naming_the_path()
    {
        await Python("open('plain-file.txt', 'w').write('plain')");

        (Func<Task> Operation, string Says)[] operations =
        [
            (() => Files.UploadAsync(Archives.Of(("x.txt", "x"u8.ToArray())), "plain-file.txt/inner"), "'plain-file.txt' is a file, not a folder"),
            (() => Files.CreateDirectoryAsync("plain-file.txt/inner"), "'plain-file.txt' is a file, not a folder"),
            (() => Files.GetItemAsync("plain-file.txt/inner"), "'plain-file.txt/inner': Not a directory"),
            (() => Files.ListAsync("plain-file.txt/inner", recurse: false), "'plain-file.txt/inner': Not a directory"),
            (() => Files.WriteAsync("plain-file.txt/inner", "x"u8.ToArray(), append: false), "'plain-file.txt' is a file, not a folder"),
        ];
        var refusals = new List<AgbException>();
        foreach (var (operation, _) in operations)
            refusals.Add(await Assert.ThrowsAsync<AgbException>(operation));
        string told = string.Join("\n", refusals.Select(r => $"{r.ErrorId} {r.Message}"));
        Assert.True(refusals.Select((r, i) => r.ErrorId == "AgbPathConflict" && r.Message.Contains(operations[i].Says, StringComparison.Ordinal)).All(ok => ok), told);
    }

    [Theory]
    [InlineData("../sibling.txt", "climbs out")]
    [InlineData("a/../../sibling.txt", "climbs out")]
    [InlineData("/home/sandbox/confined/absolute.txt", "absolute name")]
    public async Task Archive_names_that_leave_the_destination_are_refused(string name, string reason)
    {
        var refused = await Assert.ThrowsAsync<AgbException>(() => Files.UploadAsync(Archives.Of((name, "escaped"u8.ToArray())), "confined/dest"));
        Assert.Equal("AgbUnsafeArchive", refused.ErrorId);
        Assert.Contains(reason, refused.Message);
        Assert.Equal("confined/dest", await Names("confined"));   // nothing but the destination folder
    }

    [Fact]
    public async Task An_upload_never_writes_through_a_link_in_the_archive_or_one_planted_in_the_workspace()
    {
        MemoryStream linkThenFile = Archives.Build(w =>
        {
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "out") { LinkName = "/tmp" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "out/through-archive-link.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });
        });
        var viaArchive = await Assert.ThrowsAsync<AgbException>(() => Files.UploadAsync(linkThenFile, "linked"));
        await Python("import os; os.symlink('/tmp', 'linked/planted')");
        var viaPlanted = await Assert.ThrowsAsync<AgbException>(() =>
            Files.UploadAsync(Archives.Of(("planted/through-planted-link.txt", "x"u8.ToArray())), "linked"));

        Assert.Contains("is a link or a file, not a folder", viaArchive.Message);
        Assert.Contains("is a link or a file, not a folder", viaPlanted.Message);
        Assert.Equal("False False", await Python("import os; print(os.path.exists('/tmp/through-archive-link.txt'), os.path.exists('/tmp/through-planted-link.txt'))"));
    }

    [Fact]
    public async Task Read_write_append_mkdir_move_and_remove_do_what_they_say()
    {
        await Files.CreateDirectoryAsync("ops/a/b/c");
        await Files.CreateDirectoryAsync("ops/a/b/c");   // an existing folder is fine
        await Files.WriteAsync("ops/a/text.txt", "0123456789"u8.ToArray(), append: false);
        await Files.WriteAsync("ops/a/text.txt", "abc"u8.ToArray(), append: true);
        Assert.Equal("3456", Encoding.UTF8.GetString(await Files.ReadAsync("ops/a/text.txt", 3, 4)));
        Assert.Equal("0123456789abc", Encoding.UTF8.GetString(await Files.ReadAsync("ops/a/text.txt", 0, 0)));
        Assert.Empty(await Files.ReadAsync("ops/a/text.txt", 100, 4));

        await Files.MoveAsync("ops/a/text.txt", "ops/moved/text.txt");
        await Files.MoveAsync("ops/moved", "/tmp/moved");   // across file systems: copied, then removed
        Assert.Equal("0123456789abc", await Python("print(open('/tmp/moved/text.txt').read())"));
        Assert.Null(await Files.GetItemAsync("ops/moved"));

        Assert.Equal("AgbFolderNotEmpty", (await Assert.ThrowsAsync<AgbException>(() => Files.RemoveAsync("ops/a", recurse: false))).ErrorId);
        Assert.True(await Files.RemoveAsync("ops/a", recurse: true));
        Assert.False(await Files.RemoveAsync("ops/a", recurse: true));
        Assert.True(await Files.RemoveAsync("/tmp/moved", recurse: true));
        Assert.Equal("", await Names("ops"));
        Assert.Equal("AgbBadFileRequest", (await Assert.ThrowsAsync<AgbException>(() => Files.RemoveAsync(".", recurse: true))).ErrorId);
        Assert.Equal("AgbItemNotFound", (await Assert.ThrowsAsync<AgbException>(() => Files.MoveAsync("ops/none", "ops/x"))).ErrorId);
    }

    [Fact]
    public async Task Tmp_is_one_per_session_shared_by_its_kernels_and_its_file_operations()
    {
        await Python("open('/tmp/from-kernel.txt', 'w').write('python wrote this')");
        Assert.Equal("python wrote this", Encoding.UTF8.GetString(await Files.ReadAsync("/tmp/from-kernel.txt", 0, 0)));
        await Files.WriteAsync("/tmp/from-helper.txt", "helper wrote this"u8.ToArray(), append: false);
        Assert.Equal("helper wrote this", await Python("print(open('/tmp/from-helper.txt').read())"));
        ShellResult shell = await Files.ShellAsync("cat /tmp/from-kernel.txt", null, null, TimeSpan.FromSeconds(30));
        Assert.Equal("python wrote this", shell.Stdout);
        Assert.Contains(await Files.ListAsync("/tmp", recurse: false), i => i.Path == "/tmp/from-helper.txt");
    }

    [Fact]
    public async Task Shell_runs_in_the_sandbox_with_its_folder_and_environment_and_reports_exit_codes()
    {
        await Files.CreateDirectoryAsync("shell dir");
        ShellResult result = await Files.ShellAsync("pwd; id -u; echo \"$SESSION_SETTING|$EXTRA\"; echo oops >&2; exit 3", "shell dir",
            new Dictionary<string, string> { ["EXTRA"] = "it's \"quoted\" $(not run)" }, TimeSpan.FromSeconds(30));

        Assert.Equal("/home/sandbox/shell dir\n1000\nfrom the session|it's \"quoted\" $(not run)\n", result.Stdout);
        Assert.Equal("oops\n", result.Stderr);
        Assert.Equal((3, false), (result.ExitCode, result.TimedOut));
        ShellResult missing = await Files.ShellAsync("true", "no such dir", null, TimeSpan.FromSeconds(30));
        Assert.NotEqual(0, missing.ExitCode);
        Assert.Contains("no such dir", missing.Stderr);
        Assert.Equal("AgbBadVariableName", (await Assert.ThrowsAsync<AgbException>(() =>
            Files.ShellAsync("true", null, new Dictionary<string, string> { ["A=B"] = "x" }, TimeSpan.FromSeconds(30)))).ErrorId);
    }

    [Fact]
    public async Task A_shell_command_past_its_timeout_is_killed_with_everything_it_started()
    {
        ShellResult result = await Files.ShellAsync("sleep infinity & echo started > timeout-marker; wait", null, null, TimeSpan.FromSeconds(5));

        Assert.Equal((124, true), (result.ExitCode, result.TimedOut));
        Assert.Equal("started\n", Encoding.UTF8.GetString(await Files.ReadAsync("timeout-marker", 0, 0)));
        Assert.DoesNotContain(HostLeaks.ProcessesOf(Fixture.Session.Uid!.Value).Select(ProcessName), name => name == "sleep");
    }

    private static string ProcessName(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    private static string Quoted(string text) => "'" + text.Replace("\\", "\\\\").Replace("'", "\\'") + "'";
}

/// <summary>Files of sessions that are not the usual sandboxed one: removed, or unsandboxed (Isolation None).</summary>
public class WorkspaceFilesLifecycleTests
{
    [Fact]
    public async Task An_unsandboxed_session_has_the_same_file_operations_in_its_workspace_folder()
    {
        await using var space = new LocalCodeSpace();
        var session = (LocalSession)await space.CreateSessionAsync(new SessionOptions { Isolation = IsolationMode.None });
        await session.Files.UploadAsync(Archives.Of(("in/data.csv", "a,b\n1,2\n"u8.ToArray())), ".");
        ShellResult shell = await session.Files.ShellAsync("cat in/data.csv | wc -l", null, null, TimeSpan.FromSeconds(30));

        Assert.Equal("2", shell.Stdout.Trim());
        Assert.Equal("a,b\n1,2\n", await File.ReadAllTextAsync(Path.Combine(session.WorkspacePath, "in", "data.csv")));
        Assert.Equal(["in/data.csv"], (await session.Files.ListAsync("in", recurse: true)).Select(i => i.Path));
    }

    [Fact]
    public async Task Every_file_operation_on_a_removed_session_fails_saying_so()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        IWorkspaceFiles files = session.Files;
        await files.WriteAsync("x.txt", "x"u8.ToArray(), append: false);
        await space.DeleteSessionAsync(session.Id);

        Func<Task>[] operations =
        [
            () => files.ListAsync(".", recurse: false),
            () => files.UploadAsync(Archives.Of(("y", "y"u8.ToArray())), "."),
            () => files.DownloadAsync(["x.txt"], new MemoryStream()),
            () => files.ReadAsync("x.txt", 0, 0),
            () => files.ShellAsync("true", null, null, TimeSpan.FromSeconds(5)),
        ];
        foreach (Func<Task> operation in operations)
            Assert.Equal("AgbSessionClosed", (await Assert.ThrowsAsync<AgbException>(operation)).ErrorId);
    }
}
