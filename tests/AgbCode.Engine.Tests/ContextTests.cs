using System.Text.Json;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Contexts;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Contexts on the local engine: persistent, one session at a time, per tenant, capped, and safe to mount again.</summary>
public sealed class ContextTests : IAsyncLifetime
{
    private readonly ContextScope _scope = new(new ContextLimits { SizeBytes = 16L << 20, PerTenant = 3 });

    private Task<ICodeSession> SessionWith(string tenant, params string[] contexts) => _scope.Space.CreateSessionAsync(new SessionOptions
    {
        Tenant = tenant,
        Contexts = [.. contexts.Select(ContextMount.Parse)],
    });

    private static async Task<string> Python(ICodeSession session, string code)
    {
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(code, "python"));
        Assert.True(result.Success, result.Error?.Value + result.Stderr);
        return result.Stdout;
    }

    [Fact]
    public async Task Files_written_in_one_session_are_there_in_the_next()
    {
        string tenant = _scope.NewTenant();
        ContextInfo made = await _scope.Store(tenant).CreateAsync("data");
        Assert.Equal(16L << 20, made.SizeBytes);
        Assert.Null(made.MountedBy);

        ICodeSession first = await SessionWith(tenant, "data");
        await Python(first, "import os; os.makedirs('/contexts/data/sub'); open('/contexts/data/sub/kept.txt', 'w').write('from the first')");
        Assert.Equal(first.Id, (await _scope.Store(tenant).GetAsync("data"))!.MountedBy);
        string mounted = Assert.Single(((LocalSession)first).ContextHostPaths);
        await _scope.Space.DeleteSessionAsync(first.Id);
        Assert.False(Directory.Exists(mounted));   // unmounted and its mount point gone with the session
        Assert.DoesNotContain($" {mounted} ", File.ReadAllText("/proc/self/mountinfo"));

        ICodeSession second = await SessionWith(tenant, "data:/home/sandbox/mine");
        string seen = await Python(second, "print(open('mine/sub/kept.txt').read()); open('mine/sub/kept.txt', 'a').write(', and the second')");
        Assert.Equal("from the first\n", seen);
        Assert.NotEqual(((LocalSession)first).Uid, ((LocalSession)second).Uid);   // each session's own uid, and still writable
        ContextInfo used = (await _scope.Store(tenant).GetAsync(made.Id))!;
        Assert.NotNull(used.LastUsedAt);
    }

    [Fact]
    public async Task What_its_files_take_is_measured_each_time_a_session_lets_go_of_it()
    {
        string tenant = _scope.NewTenant();
        long empty = (await _scope.Store(tenant).CreateAsync("measured")).UsedBytes!.Value;   // the empty file system's own
        Assert.InRange(empty, 0, 1L << 20);

        ICodeSession writer = await SessionWith(tenant, "measured");
        await Python(writer, "open('/contexts/measured/three.bin', 'wb').write(b'x' * (3 << 20))");
        Assert.Equal(empty, (await _scope.Store(tenant).GetAsync("measured"))!.UsedBytes);   // measured as it is let go, not while held
        await _scope.Space.DeleteSessionAsync(writer.Id);
        Assert.InRange((await _scope.Store(tenant).GetAsync("measured"))!.UsedBytes!.Value, empty + (3L << 20), empty + (3L << 20) + (64 << 10));

        await using (IContextFiles files = await _scope.Store(tenant).OpenFilesAsync("measured"))
            await files.Files.RemoveAsync("/three.bin", recurse: false);
        Assert.InRange((await _scope.Store(tenant).GetAsync("measured"))!.UsedBytes!.Value, empty, empty + (64 << 10));
    }

    [Fact]
    public async Task A_second_session_is_refused_while_the_first_holds_it_and_may_mount_it_once_released()
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("shared");
        ICodeSession holder = await SessionWith(tenant, "shared");

        var refused = await Assert.ThrowsAsync<AgbException>(() => SessionWith(tenant, "shared"));
        Assert.Equal(ContextErrors.InUseId, refused.ErrorId);
        Assert.Contains(holder.Id, refused.Message);
        var inUseFiles = await Assert.ThrowsAsync<AgbException>(() => _scope.Store(tenant).OpenFilesAsync("shared"));
        Assert.Equal(ContextErrors.InUseId, inUseFiles.ErrorId);
        Assert.Single(await _scope.Space.ListSessionsAsync());   // the refused session left nothing behind

        await _scope.Space.DeleteSessionAsync(holder.Id);
        ICodeSession next = await SessionWith(tenant, "shared");
        Assert.Equal("ok\n", await Python(next, "print('ok')"));
    }

    [Fact]
    public async Task Another_tenant_can_neither_see_nor_mount_it()
    {
        string owner = _scope.NewTenant(), stranger = _scope.NewTenant();
        ContextInfo made = await _scope.Store(owner).CreateAsync("private");

        Assert.Empty(await _scope.Store(stranger).ListAsync());
        Assert.Null(await _scope.Store(stranger).GetAsync("private"));
        Assert.Null(await _scope.Store(stranger).GetAsync(made.Id));
        Assert.Empty(await _scope.Space.Contexts.ListAsync() is var own ? own.Where(c => c.Id == made.Id) : []);
        Assert.False(await _scope.Store(stranger).DeleteAsync("private"));
        Assert.False(Directory.Exists(Path.Combine(EngineHost.Shared.Root.Path, "contexts", LocalContextStore.TenantKey(stranger))));   // looking made nothing
        foreach (string name in new[] { "private", made.Id })
        {
            var refused = await Assert.ThrowsAsync<AgbException>(() => SessionWith(stranger, name));
            Assert.Equal(ContextErrors.NotFoundId, refused.ErrorId);
        }
        Assert.False(await _scope.Store(stranger).DeleteAsync(made.Id));
        Assert.NotNull(await _scope.Store(owner).GetAsync(made.Id));
        Assert.NotEqual(LocalContextStore.TenantKey(owner), LocalContextStore.TenantKey(stranger));
        Assert.Matches("^t-[0-9a-f]{32}$", LocalContextStore.TenantKey("../../etc\0/ any tenant"));
    }

    [Theory]
    [InlineData("data:relative/path")]
    [InlineData("data:/contexts/../etc")]
    [InlineData("data:/etc/cron.d")]
    [InlineData("data:/usr/lib")]
    [InlineData("data:/proc")]
    [InlineData("data:/")]
    [InlineData("data:/a//b")]
    public async Task A_mount_path_that_escapes_or_covers_a_system_folder_is_refused(string mount)
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("data");
        var parsed = Assert.Throws<AgbException>(() => ContextMount.Parse(mount));
        Assert.Equal(ContextErrors.BadPathId, parsed.ErrorId);
        // a backend that builds the mount itself (the server) is checked by the engine too
        var direct = await Assert.ThrowsAsync<AgbException>(() => _scope.Space.CreateSessionAsync(new SessionOptions
        {
            Tenant = tenant,
            Contexts = [new ContextMount("data", mount["data:".Length..])],
        }));
        Assert.Equal(ContextErrors.BadPathId, direct.ErrorId);
        Assert.Null((await _scope.Store(tenant).GetAsync("data"))!.MountedBy);
    }

    [Fact]
    public async Task Links_planted_in_a_context_give_the_next_session_nothing_of_the_host_or_another_context()
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("planted");
        await _scope.Store(tenant).CreateAsync("victim");
        var victim = (LocalSession)await SessionWith(tenant, "victim");
        await Python(victim, "open('/contexts/victim/secret.txt', 'w').write('victim only')");
        string victimHost = Assert.Single(victim.ContextHostPaths);

        string shadowOwner = StatOwner("/etc/shadow"), etcOwner = StatOwner("/etc");
        ICodeSession planter = await SessionWith(tenant, "planted");
        await Python(planter, $"""
            import os
            os.symlink('/etc/shadow', '/contexts/planted/shadow')
            os.symlink({JsonSerializer.Serialize(victimHost)}, '/contexts/planted/victim')
            os.symlink({JsonSerializer.Serialize(victimHost + "/secret.txt")}, '/contexts/planted/secret')
            os.mkdir('/contexts/planted/dir'); os.symlink('/etc', '/contexts/planted/dir/etc')
            """);
        await _scope.Space.DeleteSessionAsync(planter.Id);   // the next mount chowns the whole volume as root

        ICodeSession next = await SessionWith(tenant, "planted");
        string seen = await Python(next, """
            import os
            for name in ['shadow', 'victim/secret.txt', 'secret', 'dir/etc/shadow']:
                try:
                    print(name, open('/contexts/planted/' + name).read())
                except OSError as e:
                    print(name, type(e).__name__)
            """);
        Assert.Equal("shadow FileNotFoundError\nvictim/secret.txt FileNotFoundError\nsecret FileNotFoundError\ndir/etc/shadow FileNotFoundError\n", seen);
        Assert.Equal(shadowOwner, StatOwner("/etc/shadow"));            // chown -h changed the links, not what they name
        Assert.Equal(etcOwner, StatOwner("/etc"));
        Assert.Equal($"{victim.Uid} {victim.Uid}", StatOwner(Path.Combine(victimHost, "secret.txt")));
    }

    private static string StatOwner(string path) =>
        Platform.HostCommand.Run("/usr/bin/stat", "-c", "%u %g", "--", path).Trim();

    [Fact]
    public async Task A_full_context_fails_the_write_clearly_and_stays_usable()
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("small");
        ICodeSession session = await SessionWith(tenant, "small");
        EnhancedCodeExecutionResult full = await session.RunAsync(new RunRequest(
            "open('/contexts/small/big.bin', 'wb').write(b'x' * (32 << 20))", "python"));
        Assert.False(full.Success);
        Assert.Contains("No space left on device", full.Error!.Value);
        await Python(session, "import os; os.remove('/contexts/small/big.bin'); open('/contexts/small/after.txt', 'w').write('still usable')");
        await _scope.Space.DeleteSessionAsync(session.Id);

        await using (IContextFiles files = await _scope.Store(tenant).OpenFilesAsync("small"))
        {
            var refused = await Assert.ThrowsAsync<AgbException>(() => files.Files.WriteAsync("/big.bin", new byte[32 << 20], append: false));
            Assert.Equal("AgbContextFull", refused.ErrorId);
            Assert.Contains("16 MiB", refused.Message);
            Assert.Contains(ContextLimits.SizeVariable, refused.Fix);
            Assert.Equal("still usable"u8.ToArray(), await files.Files.ReadAsync("after.txt", 0, 0));
        }
        ICodeSession again = await SessionWith(tenant, "small");
        Assert.Equal("['after.txt']\n", await Python(again, "import os; print(os.listdir('/contexts/small'))"));
    }

    [Fact]
    public async Task Deleting_a_context_in_use_is_refused_and_works_once_it_is_free()
    {
        string tenant = _scope.NewTenant();
        ContextInfo made = await _scope.Store(tenant).CreateAsync("busy");
        ICodeSession session = await SessionWith(tenant, "busy");

        var refused = await Assert.ThrowsAsync<AgbException>(() => _scope.Store(tenant).DeleteAsync("busy"));
        Assert.Equal(ContextErrors.InUseId, refused.ErrorId);
        Assert.Equal("ok\n", await Python(session, "print('ok')"));   // the holder is untouched

        await _scope.Space.DeleteSessionAsync(session.Id);
        Assert.True(await _scope.Store(tenant).DeleteAsync(made.Id));
        Assert.Null(await _scope.Store(tenant).GetAsync("busy"));
        Assert.False(await _scope.Store(tenant).DeleteAsync("busy"));
    }

    [Fact]
    public async Task Names_are_unique_and_a_tenant_may_keep_only_so_many()
    {
        string tenant = _scope.NewTenant();
        IContextStore store = _scope.Store(tenant);
        await store.CreateAsync("one");
        Assert.Equal(ContextErrors.ExistsId, (await Assert.ThrowsAsync<AgbException>(() => store.CreateAsync("one"))).ErrorId);
        Assert.Equal(ContextErrors.BadNameId, (await Assert.ThrowsAsync<AgbException>(() => store.CreateAsync("../x"))).ErrorId);
        await store.CreateAsync("two");
        await store.CreateAsync("three");
        var capped = await Assert.ThrowsAsync<AgbException>(() => store.CreateAsync("four"));
        Assert.Equal(ContextErrors.LimitId, capped.ErrorId);
        Assert.Contains(ContextLimits.CountVariable, capped.Fix);
        Assert.Equal(["three", "two", "one"], (await store.ListAsync()).Select(c => c.Name));   // newest first
    }

    [Fact]
    public async Task Files_put_in_through_the_store_are_seen_by_a_session_and_the_handle_holds_the_context()
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("inbox");
        await using (IContextFiles files = await _scope.Store(tenant).OpenFilesAsync("inbox"))
        {
            Assert.Equal("inbox", files.Context.Name);
            await files.Files.WriteAsync("/data/in.csv", "a,b\n1,2\n"u8.ToArray(), append: false);
            Assert.Equal(ContextErrors.InUseId, (await Assert.ThrowsAsync<AgbException>(() => SessionWith(tenant, "inbox"))).ErrorId);
            Assert.Empty(await _scope.Space.ListSessionsAsync());   // its session is internal
        }
        ICodeSession session = await SessionWith(tenant, "inbox");
        Assert.Equal("a,b\n1,2\n\n", await Python(session, "print(open('/contexts/inbox/data/in.csv').read())"));
    }

    [Fact]
    public async Task A_crash_of_the_holding_process_frees_the_claim()
    {
        string tenant = _scope.NewTenant();
        await _scope.Store(tenant).CreateAsync("survivor");
        using (EngineProcess holder = EngineProcess.Start())
        {
            string id = (string)holder.Send(new { op = "create", contexts = new[] { "survivor" }, tenant })["id"]!;
            holder.Send(new { op = "run", id, language = "python", code = "open('/contexts/survivor/before-crash.txt', 'w').write('kept')" });
            var refused = await Assert.ThrowsAsync<AgbException>(() => SessionWith(tenant, "survivor"));   // held across processes
            Assert.Contains(id, refused.Message);
            holder.KillHard();
        }
        ICodeSession next = await SessionWith(tenant, "survivor");
        Assert.Equal("kept\n", await Python(next, "print(open('/contexts/survivor/before-crash.txt').read())"));
    }

    [Fact]
    public async Task A_volume_left_unclean_is_checked_and_repaired_before_it_is_mounted_again()
    {
        string tenant = _scope.NewTenant();
        ContextInfo made = await _scope.Store(tenant).CreateAsync("unclean");
        ICodeSession writer = await SessionWith(tenant, "unclean");
        await Python(writer, "open('/contexts/unclean/kept.txt', 'w').write('kept')");
        await _scope.Space.DeleteSessionAsync(writer.Id);
        string image = Path.Combine(EngineHost.Shared.Root.Path, "contexts", LocalContextStore.TenantKey(tenant), made.Id, "volume.img");
        Platform.HostCommand.Run("/usr/sbin/debugfs", "-w", "-R", "dirty", image);   // as if the host went down with it mounted
        Assert.Contains("not clean", Platform.HostCommand.Run("/usr/sbin/dumpe2fs", "-h", image));

        ICodeSession next = await SessionWith(tenant, "unclean");
        Assert.Equal("kept\n", await Python(next, "print(open('/contexts/unclean/kept.txt').read())"));
        await _scope.Space.DeleteSessionAsync(next.Id);
        Assert.Matches(@"Filesystem state:\s+clean\n", Platform.HostCommand.Run("/usr/sbin/dumpe2fs", "-h", image));
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _scope.DisposeAsync();
}
