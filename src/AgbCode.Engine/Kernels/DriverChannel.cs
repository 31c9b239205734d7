using System.Text.Json;
using AgbCode.Core.Display;
using AgbCode.Core.Results;
using P = AgbCode.Engine.Kernels.DriverProtocol;

namespace AgbCode.Engine.Kernels;

/// <summary>One execute request: the run's id, its code, its execution count and, for a file run, the script's name.</summary>
internal sealed record ExecuteRequest(string RunId, string Code, int ExecutionCount, string? Filename);

/// <summary>
/// The engine's end of one driver's pipes (docs/protocol.md): encodes requests, and reads the driver's messages into the
/// run they belong to. Every line counts toward the volume of the run it arrives in (or of the time between runs),
/// whatever it says; a line an honest driver never sends ends the reading with the violation.
/// </summary>
internal sealed class DriverChannel(Stream requests, Stream messages, long outputCap, ReadThrottle throttle)
{
    /// <summary>Lines longer than this are a violation: twice the output cap (JSON escaping) and room for a result's bundle.</summary>
    private readonly int _maxLine = (int)Math.Min(int.MaxValue / 2, 2 * outputCap + 8 * 1024 * 1024);

    /// <summary>Sends a request; a driver that died meanwhile is not an error here (the reader fails the run).</summary>
    public async Task SendAsync(ExecuteRequest request)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString(P.Request.Type, P.Request.Execute);
            writer.WriteString(P.Request.Id, request.RunId);
            writer.WriteString(P.Request.Code, request.Code);
            if (request.Filename is not null)
                writer.WriteString(P.Request.Filename, request.Filename);
            writer.WriteNumber(P.Request.ExecutionCount, request.ExecutionCount);
            writer.WriteNumber(P.Request.OutputCap, outputCap);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        try
        {
            await requests.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
            await requests.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Reads until the driver's output ends, completing <paramref name="ready"/> with the runtime it names. Returns the
    /// protocol violation that stopped the reading, or null when the output simply ended.
    /// </summary>
    public async Task<string?> ReadAsync(RunSlot runs, TaskCompletionSource<string> ready, string language)
    {
        try
        {
            var reader = new JsonLineReader(messages, _maxLine);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await throttle.TakeAsync(line.Length).ConfigureAwait(false);
                using DriverMessage message = DriverMessage.Parse(line);
                Dispatch(message, line.Length, runs, ready, language);
            }
            return null;
        }
        catch (ProtocolViolationException failure)
        {
            return failure.Message;
        }
        catch (IOException) { return null; }
        catch (ObjectDisposedException) { return null; }
        catch (Exception failure)   // anything else the kernel made us fail on: it is no longer trusted either
        {
            return $"a message the engine could not handle ({failure.GetType().Name}: {failure.Message})";
        }
    }

    private void Dispatch(DriverMessage message, int lineBytes, RunSlot runs, TaskCompletionSource<string> ready, string language)
    {
        if (!P.DriverMessages.Contains(message.Type))
            throw new ProtocolViolationException($"a message of unknown type '{InertText.OneLine(message.Type, 40)}'");
        if (message.Type == P.Message.Ready)
        {
            if (!ready.TrySetResult(message.OptionalString(P.Field.Runtime) ?? language))
                throw new ProtocolViolationException("a second 'ready' message");
            return;
        }
        if (runs.Route(message, lineBytes) is not { } recorder)
            return;
        if (!recorder.Receive(lineBytes))
            throw new ProtocolViolationException($"more output than the {Sizes.Format(outputCap)} cap allows");
        Apply(message, recorder);
    }

    private static void Apply(DriverMessage message, RunRecorder recorder)
    {
        switch (message.Type)
        {
            case P.Message.Stream:
                recorder.Stream(message.String(P.Field.Name), message.String(P.Field.Text));
                break;
            case P.Message.DisplayData:
            case P.Message.ExecuteResult:
                recorder.Result(message.Object(P.Field.Data), isMainResult: message.Type == P.Message.ExecuteResult);
                break;
            case P.Message.Error:
                recorder.Error(new ExecutionError
                {
                    Name = message.String(P.Field.Ename),
                    Value = message.String(P.Field.Evalue),
                    Traceback = string.Join("\n", message.Strings(P.Field.Traceback).Select(l => l.TrimEnd('\n'))),
                });
                break;
            case P.Message.Truncated:
                recorder.Truncated(message.OptionalString(P.Field.Name) ?? "stdout");
                break;
            case P.Message.Interrupted:
                recorder.TookInterrupt();
                break;
            case P.Message.Done:
                recorder.Done(message.String(P.Field.Status), message.OptionalInteger(P.Field.ExitCode));
                break;
        }
    }
}
