using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>One way of running code on a session (WebSocket stream, LinkUrl, API). The request is already validated.</summary>
internal interface IRunRoute
{
    string Name { get; }

    /// <summary>Runs and returns the result; cancellation and the client's deadline give a result, not an exception.</summary>
    Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken);
}
