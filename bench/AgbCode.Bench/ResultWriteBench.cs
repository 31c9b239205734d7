using System.Globalization;

namespace AgbCode.Bench;

/// <summary>
/// What the server allocates to answer a run with many result items (the API route's writer, in this process, to a
/// discarding response), against the size of the answer: the multiple the server adds over the result it holds.
/// </summary>
internal static class ResultWriteBench
{
    public static async Task RunAsync(int items)
    {
        var result = new AgbCode.Core.Results.EnhancedCodeExecutionResult { Success = true, ExecutionCount = 1 };
        for (int i = 0; i < items; i++)
            result.Results.Add(new AgbCode.Core.Results.ExecutionResult { Latex = "x" });
        var context = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        var answer = new CountingStream();
        context.Response.Body = answer;
        var writer = new AgbCode.Server.Tools.RunCodeAnswer(result, underResult: false);
        await writer.ExecuteAsync(context);   // warm-up (JIT)
        answer.Written = 0;
        GC.Collect();
        long before = GC.GetTotalAllocatedBytes(precise: true);
        await writer.ExecuteAsync(context);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"\nWriting the API answer of a result with {items:N0} items: {answer.Written / (1024.0 * 1024):0.0} MiB answer, " +
            $"{allocated / (1024.0 * 1024):0.0} MiB allocated while writing it ({allocated / (double)answer.Written:0.00} x the answer)"));
    }

    private sealed class CountingStream : Stream
    {
        public long Written;
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Written += count;
        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }
    }
}
