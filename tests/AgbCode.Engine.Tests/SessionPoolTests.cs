using AgbCode.Core.Sessions;
using AgbCode.Engine.Pool;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The pool follows the demand: a burst of requests for a language grows its spares up to the maximum, within the memory
/// budget, and the spares above the floor go once the language has been idle. Sessions removed behind their callers are
/// unlisted at once, bounded, and gone when the engine is.
/// </summary>
public sealed class SessionPoolTests
{
    private static readonly SessionOptions ForPython = new() { RunLanguage = "python" };

    [Fact]
    public async Task A_burst_grows_the_spares_of_its_language_to_the_maximum_and_idle_releases_them_to_the_floor()
    {
        await using var space = new LocalCodeSpace(new PoolSettings { Floor = 1, Max = 3, ParallelStarts = 2, IdleRelease = TimeSpan.FromHours(1) });
        var taken = new List<ICodeSession>();
        for (int i = 0; i < 3; i++)
            taken.Add(await space.CreateSessionAsync(ForPython));

        await Settled(space);
        Assert.Equal(3, space.Spares.Count);   // one per request within the idle-release time, up to the maximum
        Assert.Equal("python", space.SpareLanguage);

        IReadOnlyList<SessionFootprint> grown = space.Spares;
        space.ReleaseIdleSpares(TimeSpan.FromHours(2));
        SessionFootprint kept = Assert.Single(space.Spares);   // the floor stays for the language asked for last
        foreach (SessionFootprint released in grown.Where(s => s.Workspace != kept.Workspace))
            HostLeaks.AssertGone(released);
    }

    [Fact]
    public async Task Spares_finished_after_the_idle_release_time_passed_during_their_making_are_kept()
    {
        await using var space = new LocalCodeSpace(new PoolSettings { Floor = 1, Max = 3, ParallelStarts = 3, IdleRelease = TimeSpan.FromMinutes(1) });
        for (int i = 0; i < 3; i++)
            await space.CreateSessionAsync(ForPython);   // the last request took a spare, so the pool is making another

        int making = space.ReleaseIdleSpares(TimeSpan.FromMinutes(2));   // spares as slow to make as a Java kernel under load
        Assert.True(making > 0, "The pool was making no spare right after a request took one, so this test proves nothing.");

        await Settled(space);
        Assert.Equal(3, space.Spares.Count);   // none released as it became ready: the burst still counted

        space.ReleaseIdleSpares(TimeSpan.FromMinutes(2));   // now idle for longer than the idle-release time, nothing being made
        Assert.Single(space.Spares);
    }

    [Fact]
    public void A_kinds_requests_do_not_age_while_spares_of_it_are_being_made()
    {
        var demand = new Demand(new PoolSettings { Floor = 1, Max = 4, IdleRelease = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 3; i++)
            demand.Record("java", i * 1000);
        demand.Started("java", 3_000);
        demand.Started("java", 4_000);
        Assert.Equal(3, demand.Targets(60_000)["java"]);   // a minute on, spares still being made: the burst still counts

        demand.Finished("java", 50_000);
        Assert.Equal(3, demand.Targets(60_000)["java"]);   // one of two done: still paused
        demand.Finished("java", 60_000);
        Assert.Equal(3, demand.Targets(80_000)["java"]);   // aging resumed from where it stood when the making began (3 s)
        Assert.Equal(1, demand.Targets(95_000)["java"]);   // 36 to 38 s of aging: only the floor is left
    }

    [Fact]
    public async Task No_spare_above_the_floor_is_made_past_the_memory_budget()
    {
        await using var space = new LocalCodeSpace(new PoolSettings { Floor = 1, Max = 3, ParallelStarts = 1, MemoryBytes = 1 });
        for (int i = 0; i < 3; i++)
            await space.CreateSessionAsync(ForPython);

        await Settled(space);
        Assert.Single(space.Spares);   // the demand asked for three; one Python spare already holds more than a byte
    }

    [Fact]
    public async Task A_session_removed_in_the_background_is_unlisted_at_once_and_gone_when_the_engine_is()
    {
        var space = new LocalCodeSpace(new PoolSettings { PendingRemovals = 1 });
        var first = (LocalSession)await space.CreateSessionAsync(ForPython);
        var second = (LocalSession)await space.CreateSessionAsync(ForPython);

        Assert.True(await space.DeleteSessionInBackgroundAsync(first.Id));
        Assert.Null(await space.GetSessionAsync(first.Id));
        Assert.False(await space.DeleteSessionInBackgroundAsync(first.Id));   // no such session any more

        Assert.True(await space.DeleteSessionInBackgroundAsync(second.Id));
        Assert.Empty(HostLeaks.Find(first.Footprint));   // one removal at a time: the second started only once the first was done

        await space.DisposeAsync();
        Assert.Empty(HostLeaks.Find(second.Footprint));   // the engine waited for it
        Assert.Empty(space.TakeRemovalFailures());
    }

    [Fact]
    public void Settings_that_are_set_but_invalid_are_refused_naming_the_variable()
    {
        Environment.SetEnvironmentVariable(PoolSettings.MaxVariable, "lots");
        try
        {
            var refused = Assert.Throws<AgbCode.Core.Errors.AgbException>(PoolSettings.FromEnvironment);
            Assert.Contains(PoolSettings.MaxVariable, refused.Message);
            Assert.Contains("0 to 64", refused.Message);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PoolSettings.MaxVariable, null);
        }
    }

    // Waits until the pool makes nothing more: no spare is being made (a spare that becomes ready starts the next one in
    // the same step, so none being made means none will be until the next request).
    private static async Task Settled(LocalCodeSpace space)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);   // only a guard against a hang
        while ((space.SparesMaking > 0 || space.Spares.Count == 0) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        Assert.Equal(0, space.SparesMaking);
    }
}
