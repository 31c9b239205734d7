using AgbCode.Client.Streaming;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>
/// The WebSocket route (§4): one <c>run_code</c> stream frame, events to the observer as they arrive, the end frame's
/// verdict. Cancelling, or the client's deadline, closes the run's connection: the AGB protocol has no cancel frame, and
/// a server that cancels on disconnect stops the code.
/// </summary>
internal sealed class StreamRoute(WsConnectionPool pool, string target, AgbClientOptions options) : IRunRoute
{
    public string Name => "WebSocket stream";

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken)
    {
        var run = new StreamRun(WsFrames.NewInvocationId(), observer);
        string frame = WsFrames.RunCode(run.InvocationId, target, request.Language, RunLimits.WireTimeout(request), request.Code);
        WsConnection connection;
        try
        {
            connection = await StartAsync(run, frame, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return run.Stopped(RunErrorNames.Cancelled, "The run was cancelled before it was sent; nothing ran.", prefixName: true);
        }
        catch (WsStreamException sendFailure)
        {
            return run.Stopped(RunErrorNames.Execution, sendFailure.Message, prefixName: false);
        }
        observer?.OnDiagnostic($"Run {run.InvocationId}: {request.Language} over the WebSocket to {connection}.");

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(RunLimits.Deadline(request, options));
        try
        {
            await run.Ended.WaitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WsStreamException)
        {
        }
        connection.Forget(run.InvocationId);

        if (run.Ended.IsCompletedSuccessfully)
        {
            await pool.ReturnAsync(connection).ConfigureAwait(false);
            return run.Completed(run.Ended.Result);
        }
        if (run.Ended.Exception?.InnerException is WsStreamException failure)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            return run.Stopped(RunErrorNames.Execution, failure.Message, prefixName: false);
        }
        bool cancelled = cancellationToken.IsCancellationRequested;
        await connection.CloseAsync(cancelled ? "run cancelled" : "run deadline passed").ConfigureAwait(false);
        return cancelled
            ? run.Stopped(RunErrorNames.Cancelled, RunLimits.CancelledMessage("its WebSocket was closed"), prefixName: true)
            : run.Stopped(RunErrorNames.Timeout, RunLimits.TimedOutMessage(request, options, "the client closed the WebSocket"), prefixName: true);
    }

    // A reused connection may have died while idle; then the frame never left, so a retry on a fresh one is safe.
    private async Task<WsConnection> StartAsync(StreamRun run, string frame, CancellationToken cancellationToken)
    {
        (WsConnection connection, bool reused) = await pool.RentAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            try
            {
                await connection.StartAsync(run.InvocationId, frame, run, cancellationToken).ConfigureAwait(false);
                return connection;
            }
            catch (Exception e)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (!reused || e is not WsStreamException)
                    throw;
            }
            (connection, reused) = (await pool.ConnectAsync(cancellationToken).ConfigureAwait(false), false);
        }
    }
}
