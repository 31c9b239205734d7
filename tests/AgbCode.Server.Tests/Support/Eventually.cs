namespace AgbCode.Server.Tests.Support;

public static class Eventually
{
    /// <summary>Waits until the condition holds, failing the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, double timeoutSec, string what)
    {
        DateTime deadline = DateTime.UtcNow.AddSeconds(timeoutSec);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Not within {timeoutSec} s: {what}");
            await Task.Delay(100);
        }
    }

    public static Task TrueAsync(Func<bool> condition, double timeoutSec, string what) =>
        TrueAsync(() => Task.FromResult(condition()), timeoutSec, what);
}
