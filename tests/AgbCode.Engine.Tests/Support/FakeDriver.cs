using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// A driver inside the test process, behind the same two pipes a real one has: it reads the engine's requests and
/// sends what its script says. Interrupts and kills are recorded as events the script and the test can wait for.
/// </summary>
internal sealed class FakeDriver : IKernelProcess
{
    private readonly AnonymousPipeServerStream _requestsOut = new(PipeDirection.Out);
    private readonly AnonymousPipeClientStream _requestsIn;
    private readonly AnonymousPipeServerStream _messagesIn = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _messagesOut;
    private readonly StreamReader _requestReader;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly Channel<bool> _interrupts = Channel.CreateUnbounded<bool>();
    private readonly TaskCompletionSource<KernelExit> _exit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _killed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _disposed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeDriver(Func<FakeDriver, Task> script)
    {
        _requestsIn = new AnonymousPipeClientStream(PipeDirection.In, _requestsOut.ClientSafePipeHandle);
        _messagesOut = new AnonymousPipeClientStream(PipeDirection.Out, _messagesIn.ClientSafePipeHandle);
        _requestReader = new StreamReader(_requestsIn, new UTF8Encoding(false));
        Script = Task.Run(async () =>
        {
            try
            {
                await script(this);
            }
            catch (IOException) { }             // the engine closed the pipes (a kill)
            catch (ObjectDisposedException) { }
        });
    }

    /// <summary>The script's run; it ends when the script does or its pipes close.</summary>
    public Task Script { get; }

    public Stream Requests => _requestsOut;
    public Stream Messages => _messagesIn;

    /// <summary>Completes when the engine killed this driver.</summary>
    public Task Killed => _killed.Task;
    public bool Disposed => _disposed.Task.IsCompleted;
    /// <summary>Completes when the engine let go of this driver (its death handled).</summary>
    public Task Gone => _disposed.Task;
    public int Interrupts { get; private set; }
    /// <summary>
    /// False for a process stuck in the Linux kernel (uninterruptible sleep): the kill is recorded, and it exits only when
    /// the test calls <see cref="Exit"/>, as SIGKILL ends such a process only when it wakes.
    /// </summary>
    public bool ExitsWhenKilled { get; init; } = true;
    /// <summary>What <see cref="EndStrays"/> reports (null: they kept coming back).</summary>
    public int? Strays { get; init; } = 0;

    /// <summary>The engine's next request, or null when it closed the pipe.</summary>
    public async Task<JsonElement?> NextRequestAsync()
    {
        string? line = await _requestReader.ReadLineAsync();
        return line is null ? null : JsonDocument.Parse(line).RootElement.Clone();
    }

    /// <summary>Waits until the engine sends SIGINT.</summary>
    public async Task WaitForInterruptAsync() => await _interrupts.Reader.ReadAsync();

    public Task SendAsync(object message) => SendLineAsync(JsonSerializer.Serialize(message));

    public async Task SendLineAsync(string line)
    {
        await _sending.WaitAsync();
        try
        {
            byte[] bytes = Encoding.UTF8.GetBytes(line + "\n");
            await _messagesOut.WriteAsync(bytes);
            await _messagesOut.FlushAsync();
        }
        finally
        {
            _sending.Release();
        }
    }

    public Task ReadyAsync() => SendAsync(new { type = "ready", runtime = "Fake 1.0" });
    public Task PrintAsync(string? runId, string text) => SendAsync(new { type = "stream", id = runId, name = "stdout", text });
    public Task DoneAsync(string runId, string status = "ok") => SendAsync(new { type = "done", id = runId, status, execution_count = 1 });
    public Task ErrorAsync(string runId, string ename) => SendAsync(new { type = "error", id = runId, ename, evalue = "", traceback = Array.Empty<string>() });

    /// <summary>The driver exits on its own: its output ends, then the process.</summary>
    public void Exit(int exitCode, string diagnostics = "")
    {
        _messagesOut.Dispose();
        _exit.TrySetResult(new KernelExit(exitCode, diagnostics, OomKilled: false));
    }

    public void Interrupt()
    {
        Interrupts++;
        _interrupts.Writer.TryWrite(true);
    }

    public void Kill()
    {
        _killed.TrySetResult();
        if (!ExitsWhenKilled)
            return;
        _requestsIn.Dispose();
        Exit(128 + 9);
    }

    public void AdoptCurrentProcesses() { }

    public int? EndStrays() => Strays;

    public Task<KernelExit> ExitAsync() => _exit.Task;

    public void Dispose()
    {
        _requestsOut.Dispose();
        _messagesIn.Dispose();
        _requestsIn.Dispose();
        _messagesOut.Dispose();
        _disposed.TrySetResult();
    }

    /// <summary>Ready, then each request's code printed back and a done: an honest, quick driver.</summary>
    public static async Task Echo(FakeDriver driver)
    {
        await driver.ReadyAsync();
        await driver.EchoRequestsAsync();
    }

    /// <summary>The first driver started runs <paramref name="first"/>; every later one (a restart) is <see cref="Echo"/>.</summary>
    public static Func<FakeDriver, Task> FirstThenEcho(Func<FakeDriver, Task> first)
    {
        int starts = 0;
        return driver => Interlocked.Increment(ref starts) == 1 ? first(driver) : Echo(driver);
    }

    /// <summary>Each request's code printed back, then its done, until the engine closes the pipe.</summary>
    public async Task EchoRequestsAsync()
    {
        while (await NextRequestAsync() is { } request)
        {
            string id = request.GetProperty("id").GetString()!;
            await PrintAsync(id, request.GetProperty("code").GetString()!);
            await DoneAsync(id);
        }
    }
}
