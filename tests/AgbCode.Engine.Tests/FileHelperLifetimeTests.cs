using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The session's file helper kept alive between operations: one process serves operation after operation, is stopped
/// when idle and with the session, is replaced when it dies or fails with data still coming, and operations that overlap
/// get helpers of their own. Each test has a session of its own, with the idle time it needs.
/// </summary>
public class FileHelperLifetimeTests : IAsyncLifetime
{
    private readonly LocalCodeSpace _space = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _space.DisposeAsync();

    [Fact]
    public async Task One_helper_serves_operation_after_operation()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        IWorkspaceFiles files = session.Files;

        await files.WriteAsync("kept/a.txt", "one"u8.ToArray(), append: false);
        int helper = Assert.Single(HelperProcesses(session));
        await files.WriteAsync("kept/a.txt", "two"u8.ToArray(), append: true);
        Assert.NotNull(await files.GetItemAsync("kept/a.txt"));
        Assert.Single(await files.ListAsync("kept", recurse: true));
        Assert.Equal("onetwo", Encoding.UTF8.GetString(await files.ReadAsync("kept/a.txt", 0, 0)));
        var archive = new MemoryStream();
        await files.DownloadAsync(["kept"], archive);
        await files.UploadAsync(new MemoryStream(archive.ToArray()), "copy");
        Assert.Equal("onetwo", Encoding.UTF8.GetString(await files.ReadAsync("copy/kept/a.txt", 0, 0)));

        Assert.Equal([helper], HelperProcesses(session));   // the same process did all of it
        Assert.Equal(1, session.LiveFileHelpers);
    }

    [Fact]
    public async Task An_idle_helper_is_stopped_after_the_idle_timeout_and_the_next_operation_starts_another()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromSeconds(1));
        await session.Files.WriteAsync("a.txt", "kept"u8.ToArray(), append: false);

        // Nothing else stops a helper that served its operation well: only the idle timer can make this come true.
        await Until(() => session.LiveFileHelpers == 0 && HelperProcesses(session).Count == 0, "the idle helper was never stopped");

        Assert.Equal("kept", Encoding.UTF8.GetString(await session.Files.ReadAsync("a.txt", 0, 0)));
    }

    [Fact]
    public async Task Removing_the_session_stops_its_idle_helper()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        await session.Files.CreateDirectoryAsync("made");
        Assert.Single(HelperProcesses(session));
        SessionFootprint footprint = session.Footprint;

        await _space.DeleteSessionAsync(session.Id);

        HostLeaks.AssertGone(footprint);
        Assert.Equal(0, session.LiveFileHelpers);
        Assert.Equal("AgbSessionClosed", (await Assert.ThrowsAsync<AgbException>(() => session.Files.GetItemAsync("made"))).ErrorId);
    }

    [Fact]
    public async Task A_helper_killed_while_idle_is_replaced_and_fails_no_operation()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        await session.Files.WriteAsync("a.txt", "kept"u8.ToArray(), append: false);
        int helper = Assert.Single(HelperProcesses(session));

        System.Diagnostics.Process.GetProcessById(helper).Kill();
        await Until(() => session.LiveFileHelpers == 0, "the pool never noticed its idle helper died");

        Assert.Equal("kept", Encoding.UTF8.GetString(await session.Files.ReadAsync("a.txt", 0, 0)));
        Assert.NotEqual(helper, Assert.Single(HelperProcesses(session)));
    }

    [Fact]
    public async Task A_refused_upload_discards_its_helper_and_the_next_operation_gets_a_fresh_one()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        await session.Files.WriteAsync("a.txt", "kept"u8.ToArray(), append: false);
        int helper = Assert.Single(HelperProcesses(session));
        MemoryStream whole = Archives.Of(("cut.bin", new byte[300 * 1024]));

        var refused = await Assert.ThrowsAsync<AgbException>(() =>
            session.Files.UploadAsync(new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]), "cut"));

        Assert.Equal("AgbUnsafeArchive", refused.ErrorId);
        Assert.Equal(0, session.LiveFileHelpers);   // it may have read only part of the data: never used again
        Assert.Equal("kept", Encoding.UTF8.GetString(await session.Files.ReadAsync("a.txt", 0, 0)));
        Assert.NotEqual(helper, Assert.Single(HelperProcesses(session)));
    }

    [Fact]
    public async Task Overlapping_operations_get_helpers_of_their_own_and_one_is_kept()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        await session.Files.WriteAsync("big.bin", new byte[8 * 1024 * 1024], append: false);
        var stalled = new StalledStream();

        Task download = session.Files.DownloadAsync(["big.bin"], stalled);
        await stalled.FirstWrite;   // the download holds its helper, waiting for this stream
        Assert.NotNull(await session.Files.GetItemAsync("big.bin"));   // not queued behind it
        Assert.Equal(2, session.LiveFileHelpers);
        stalled.Release();
        await download;

        Assert.InRange(stalled.Length, 8 * 1024 * 1024 + 512, 8 * 1024 * 1024 + 4096);   // the file, its header, the end blocks
        Assert.Equal(1, session.LiveFileHelpers);
    }

    [Fact]
    public async Task Cancelling_an_operation_stops_its_helper_and_the_next_one_works()
    {
        LocalSession session = await SessionAsync(TimeSpan.FromMinutes(10));
        await session.Files.WriteAsync("big.bin", new byte[8 * 1024 * 1024], append: false);
        var stalled = new StalledStream();
        using var cancel = new CancellationTokenSource();

        Task download = session.Files.DownloadAsync(["big.bin"], stalled, cancellationToken: cancel.Token);
        await stalled.FirstWrite;
        cancel.Cancel();
        stalled.Release();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => download);
        Assert.Equal(0, session.LiveFileHelpers);
        Assert.NotNull(await session.Files.GetItemAsync("big.bin"));
    }

    [Fact]
    public async Task With_no_idle_time_every_operation_has_a_helper_of_its_own()
    {
        LocalSession session = await SessionAsync(TimeSpan.Zero);
        await session.Files.WriteAsync("a.txt", "x"u8.ToArray(), append: false);
        Assert.Equal(0, session.LiveFileHelpers);
        Assert.Empty(HelperProcesses(session));
        Assert.NotNull(await session.Files.GetItemAsync("a.txt"));
        Assert.Equal(0, session.LiveFileHelpers);
    }

    private async Task<LocalSession> SessionAsync(TimeSpan idle) =>
        (LocalSession)await _space.CreateSessionAsync(new SessionOptions { Limits = SessionLimits.Default with { FileHelperIdleTimeout = idle } });

    /// <summary>The session's Python processes that run the file helper (not the sandbox's launcher processes around them).</summary>
    private static List<int> HelperProcesses(LocalSession session) =>
        [.. HostLeaks.ProcessesOf(session.Uid!.Value).Where(pid =>
            ProcFile(pid, "comm").StartsWith("python", StringComparison.Ordinal) && ProcFile(pid, "cmdline").Contains("agb_files.py", StringComparison.Ordinal))];

    private static string ProcFile(int pid, string name)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/{name}");
        }
        catch (IOException)
        {
            return "";   // gone meanwhile
        }
    }

    private static async Task Until(Func<bool> condition, string failure)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition() && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.True(condition(), failure);
    }

    /// <summary>A sink whose writes wait until released, to hold an operation in the middle of its data.</summary>
    private sealed class StalledStream : MemoryStream
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _first.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _first.TrySetResult();
            await _released.Task;
            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
