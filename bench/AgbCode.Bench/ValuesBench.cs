using System.Diagnostics;
using System.Text.Json;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

namespace AgbCode.Bench;

/// <summary>What -Variable costs per run: `1` with and without two variables (100 small objects and a number), interleaved.</summary>
internal static class ValuesBench
{
    public static async Task RunAsync(int runs)
    {
        var variables = new Dictionary<string, JsonElement>
        {
            ["hosts"] = JsonSerializer.SerializeToElement(Enumerable.Range(1, 100).Select(i => new { name = $"web{i}", cpu = i })),
            ["threshold"] = JsonSerializer.SerializeToElement(80),
        };
        await using var space = new LocalCodeSpace();
        var rows = new List<Stats>();
        foreach (string language in new[] { "python", "javascript", "java", "r" })
        {
            ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = [language] });
            var plain = new RunRequest("1", language);
            var withValues = plain with { Variables = variables };
            for (int i = 0; i < 5; i++)
                await Task.WhenAll(session.RunAsync(plain), session.RunAsync(withValues));
            var without = new List<double>();
            var with = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                without.Add(await Time(session, plain));
                with.Add(await Time(session, withValues));
            }
            rows.Add(new Stats($"{language}, no variables", without));
            rows.Add(new Stats($"{language}, 2 variables (100 objects)", with));
            await space.DeleteSessionAsync(session.Id);
        }
        Console.WriteLine($"\nA warm run of `1` with and without -Variable ({runs} runs each, interleaved)\n\n{Stats.Header}");
        rows.ForEach(s => Console.WriteLine(s.Row()));
    }

    private static async Task<double> Time(ICodeSession session, RunRequest request)
    {
        long start = Stopwatch.GetTimestamp();
        var result = await session.RunAsync(request);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        if (!result.Success)
            throw new InvalidOperationException($"{request.Language}: {result.ErrorMessage}");
        return seconds;
    }
}
