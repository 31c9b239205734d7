using System.Runtime.CompilerServices;

namespace AgbCode.Client.Files;

/// <summary>Calls started ahead of their consumer, answered in order: at most <c>width</c> started and not yet taken.</summary>
internal static class ReadAhead
{
    public static async IAsyncEnumerable<T> InOrder<T>(IEnumerable<Func<CancellationToken, Task<T>>> calls, int width,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var pending = new Queue<Task<T>>();
        try
        {
            foreach (Func<CancellationToken, Task<T>> call in calls)
            {
                pending.Enqueue(call(stop.Token));
                if (pending.Count >= width)
                    yield return await pending.Dequeue().ConfigureAwait(false);
            }
            while (pending.Count > 0)
                yield return await pending.Dequeue().ConfigureAwait(false);
        }
        finally
        {
            // the consumer stopped early or a call failed: the calls still running are not wanted
            stop.Cancel();
            foreach (Task<T> abandoned in pending)
            {
                try
                {
                    await abandoned.ConfigureAwait(false);
                }
                catch (Exception) { }
            }
        }
    }
}
