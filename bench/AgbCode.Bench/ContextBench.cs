using System.Diagnostics;
using AgbCode.Core.Contexts;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>
/// What mounting a context adds to making a session (no kernel, no spare): claim, mount, and the chown of every entry
/// to the session's fresh uid, for an empty context and one of 5,000 files; interleaved, in one run.
/// </summary>
internal static class ContextBench
{
    public static async Task RunAsync(int rounds)
    {
        await using var space = new LocalCodeSpace(spareSessions: 0);
        string tenant = "bench-" + Guid.NewGuid().ToString("N");
        IContextStore store = space.ContextsOf(tenant);
        await store.CreateAsync("empty");
        await store.CreateAsync("files");
        ICodeSession filler = await space.CreateSessionAsync(new SessionOptions { Tenant = tenant, Contexts = [ContextMount.Parse("files")] });
        await filler.RunAsync(new RunRequest("for i in range(5000): open(f'/contexts/files/f{i}.txt', 'w').write('x' * 100)", "python", 120));
        await space.DeleteSessionAsync(filler.Id);

        var cases = new (string Name, SessionOptions Options)[]
        {
            ("session, no context", new SessionOptions()),
            ("session + empty context", new SessionOptions { Tenant = tenant, Contexts = [ContextMount.Parse("empty")] }),
            ("session + context of 5,000 files", new SessionOptions { Tenant = tenant, Contexts = [ContextMount.Parse("files")] }),
        };
        var times = cases.Select(_ => new List<double>()).ToArray();
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < cases.Length; i++)
            {
                var clock = Stopwatch.StartNew();
                ICodeSession session = await space.CreateSessionAsync(cases[i].Options);
                times[i].Add(clock.Elapsed.TotalSeconds);
                await space.DeleteSessionAsync(session.Id);
            }
        Console.WriteLine($"\nMaking a session (no kernel) with and without a context, {rounds} interleaved rounds\n\n{Stats.Header}");
        for (int i = 0; i < cases.Length; i++)
            Console.WriteLine(new Stats(cases[i].Name, times[i]).Row());
        foreach (string name in new[] { "empty", "files" })
            await store.DeleteAsync(name);
    }
}
