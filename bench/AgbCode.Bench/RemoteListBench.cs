using System.Diagnostics;
using System.Globalization;
using AgbCode.Client;
using AgbCode.Core.Sessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using SessionOptions = AgbCode.Core.Sessions.SessionOptions;

namespace AgbCode.Bench;

/// <summary>
/// What keeping a remote session's name, labels and creation time across processes costs a listing: another process
/// sees each session for the first time and reads its labels (GetLabel per session, 8 at a time), while the process
/// that made them needs ListSession only. Server on loopback, in one run.
/// </summary>
internal static class RemoteListBench
{
    private const string Key = BenchServer.Key;

    public static async Task RunAsync(int sessions, int runs)
    {
        await using WebApplication app = await BenchServer.StartAsync("--AGBCODE_SPARE_SESSIONS=0");
        AgbCloudSpace Client() => new(new Uri(app.Urls.Single()), Key, new AgbClientOptions { UseWebSocket = false });
        await using AgbCloudSpace creator = Client();
        for (int i = 0; i < sessions; i++)
            await creator.CreateSessionAsync(new SessionOptions { Name = $"bench-{i}", Labels = new Dictionary<string, string> { ["team"] = "bench" } });

        var known = new List<double>();
        var firstSight = new List<double>();
        for (int run = 0; run < runs; run++)   // interleaved, so both see the same machine
        {
            known.Add(await TimeAsync(() => creator.ListSessionsAsync(), sessions));
            await using AgbCloudSpace other = Client();
            firstSight.Add(await TimeAsync(() => other.ListSessionsAsync(), sessions));
        }
        Console.WriteLine($"\nListing {sessions} remote sessions (server on loopback, {runs} runs each)\n\n{Stats.Header}");
        Console.WriteLine(new Stats("the process that made them: ListSession", known).Row());
        Console.WriteLine(new Stats("another process, first sight: ListSession + GetLabel per session", firstSight).Row());
        foreach (ICodeSession session in await creator.ListSessionsAsync())
            await creator.DeleteSessionAsync(session.Id);
    }

    private static async Task<double> TimeAsync(Func<Task<IReadOnlyList<ICodeSession>>> list, int expected)
    {
        long start = Stopwatch.GetTimestamp();
        IReadOnlyList<ICodeSession> listed = await list();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (listed.Count != expected || listed.Any(s => s.Name is null || !s.Name.StartsWith("bench-", StringComparison.Ordinal)))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"listed {listed.Count} sessions, not {expected} named ones"));
        return seconds;
    }
}
