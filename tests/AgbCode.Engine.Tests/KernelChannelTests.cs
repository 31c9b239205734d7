using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The driver channel against a driver's pipes in the test process: what it sends, where messages go, and the protocol
/// violations that stop it (docs/protocol.md). No sandbox, no runtime: each test takes milliseconds.
/// </summary>
public sealed class KernelChannelTests : IDisposable
{
    private const long OutputCap = 4096;
    private readonly AnonymousPipeServerStream _requests = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _requestsWriter;
    private readonly AnonymousPipeServerStream _messages = new(PipeDirection.In);
    private readonly AnonymousPipeClientStream _driver;
    private readonly RunSlot _runs = new(OutputCap);
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DriverChannel _channel;

    public KernelChannelTests()
    {
        _requestsWriter = new AnonymousPipeClientStream(PipeDirection.Out, _requests.ClientSafePipeHandle);
        _driver = new AnonymousPipeClientStream(PipeDirection.Out, _messages.ClientSafePipeHandle);
        _channel = new DriverChannel(_requestsWriter, _messages, OutputCap, new ReadThrottle());
    }

    public void Dispose()
    {
        _driver.Dispose();
        _messages.Dispose();
        _requestsWriter.Dispose();
        _requests.Dispose();
    }

    /// <summary>The driver writes these lines and closes its end; returns what the channel's reading ended with.</summary>
    private async Task<string?> ReadAllAsync(params string[] lines)
    {
        Task<string?> reading = _channel.ReadAsync(_runs, _ready, "fake");
        foreach (string line in lines)
            await _driver.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
        _driver.Dispose();
        return await reading;
    }

    private RunRecorder Begin(string runId)
    {
        var recorder = new RunRecorder(runId, null, OutputCap);
        _runs.Begin(recorder);
        return recorder;
    }

    [Fact]
    public async Task An_execute_request_carries_the_fields_of_the_protocol_table()
    {
        await _channel.SendAsync(new ExecuteRequest("run-1", "print(1)", 7, "x.py"));
        string line = (await new StreamReader(_requests).ReadLineAsync())!;
        JsonElement request = JsonDocument.Parse(line).RootElement;
        Assert.Equal(DriverProtocol.Request.Execute, request.GetProperty(DriverProtocol.Request.Type).GetString());
        Assert.Equal("run-1", request.GetProperty(DriverProtocol.Request.Id).GetString());
        Assert.Equal("print(1)", request.GetProperty(DriverProtocol.Request.Code).GetString());
        Assert.Equal("x.py", request.GetProperty(DriverProtocol.Request.Filename).GetString());
        Assert.Equal(7, request.GetProperty(DriverProtocol.Request.ExecutionCount).GetInt32());
        Assert.Equal(OutputCap, request.GetProperty(DriverProtocol.Request.OutputCap).GetInt64());
    }

    [Fact]
    public async Task Messages_reach_their_run_and_the_driver_ready_names_its_runtime()
    {
        RunRecorder run = Begin("run-1");
        string? violation = await ReadAllAsync(
            """{"type":"ready","runtime":"Fake 1.0"}""",
            """{"type":"stream","id":"run-1","name":"stdout","text":"hello\n"}""",
            """{"type":"execute_result","id":"run-1","data":{"text/plain":"42"}}""",
            """{"type":"done","id":"run-1","status":"ok"}""");
        Assert.Null(violation);
        Assert.Equal("Fake 1.0", await _ready.Task);
        Assert.True(run.IsDone);
        var result = run.Build(1, "fake", "s");
        Assert.True(result.Success);
        Assert.Equal(["hello\n"], result.Logs.Stdout);
        Assert.Equal("42", Assert.Single(result.Results).Text);
    }

    [Theory]
    [InlineData("this is not json", "not JSON")]
    [InlineData("""{"no":"type"}""", "without a type")]
    [InlineData("""{"type":"bogus","id":"run-1"}""", "unknown type 'bogus'")]
    [InlineData("""{"type":"stream","id":"run-other","name":"stdout","text":"x"}""", "not the kernel's current or last one ('run-other')")]
    [InlineData("""{"type":"ready","runtime":"again"}""", "a second 'ready' message")]
    [InlineData("""{"type":"stream","id":"run-1","name":"stdout"}""", "'text' missing from a stream message")]
    public async Task A_line_an_honest_driver_never_sends_stops_the_reading_with_its_reason(string line, string reason)
    {
        Begin("run-1");
        string? violation = await ReadAllAsync("""{"type":"ready"}""", line, """{"type":"done","id":"run-1","status":"ok"}""");
        Assert.NotNull(violation);
        Assert.Contains(reason, violation);
    }

    [Theory]
    [InlineData("done")]
    [InlineData("error")]
    [InlineData("execute_result")]
    public async Task A_result_error_or_done_outside_its_run_is_a_violation(string type)
    {
        string? violation = await ReadAllAsync($$$"""{"type":"{{{type}}}","ename":"E","evalue":"","status":"ok","data":{}}""");
        Assert.Contains($"a '{type}' message outside its run", violation);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_is_a_violation_without_waiting_for_its_end()
    {
        Task<string?> reading = _channel.ReadAsync(_runs, _ready, "fake");
        byte[] chunk = new byte[1024 * 1024];
        Array.Fill(chunk, (byte)'x');
        Task flooding = Task.Run(async () =>
        {
            while (true)
                await _driver.WriteAsync(chunk);   // never a newline; fails once the channel stops reading and the test closes the pipe
        });
        string? violation = await reading;
        Assert.Contains("a message longer than", violation);
        _ = flooding.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    [Fact]
    public async Task Output_between_runs_goes_to_the_next_run_first()
    {
        RunRecorder first = Begin("run-1");
        string? violation = await ReadAllAsync(
            """{"type":"done","id":"run-1","status":"ok"}""",
            """{"type":"stream","id":null,"name":"stdout","text":"late\n"}""");
        Assert.Null(violation);
        Assert.True(first.IsDone);
        _runs.End();
        RunRecorder second = Begin("run-2");
        Assert.Equal(["late\n"], second.Build(2, "fake", "s").Logs.Stdout);
    }

    [Fact]
    public async Task The_last_run_may_still_print_but_not_finish_again()
    {
        Begin("run-1");
        _runs.End();
        string? violation = await ReadAllAsync(
            """{"type":"stream","id":"run-1","name":"stdout","text":"thread\n"}""",
            """{"type":"done","id":"run-1","status":"ok"}""");
        Assert.Contains("a 'done' message outside its run", violation);
    }
}
