using System.Net;
using AgbCode.Client.Http;
using AgbCode.Client.Routes;
using AgbCode.Client.Tests.Support;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Parsing;

/// <summary>Runs one request through an HTTP route whose endpoint answers with a recorded body.</summary>
internal static class RouteHarness
{
    public static readonly Uri Endpoint = new("https://agb.example.test/");
    public static readonly Uri LinkUrl = new("https://link.example.test/session-abc");
    private static readonly AgbClientOptions Options = new();

    public static Task<EnhancedCodeExecutionResult> ApiRoute(string recorded, IRunObserver? observer = null, HttpStatusCode status = HttpStatusCode.OK) =>
        ApiRoute(StubHandler.FromRecorded(recorded, status), observer);

    public static Task<EnhancedCodeExecutionResult> ApiRoute(StubHandler handler, IRunObserver? observer = null)
    {
        var transport = new ApiTransport(Endpoint, "key-not-used", handler);
        return new ApiRoute(new AgbApi(transport, Options), "session-abc", Options)
            .RunAsync(new RunRequest("print(1)", "py").Validated(), observer, CancellationToken.None);
    }

    public static Task<EnhancedCodeExecutionResult> LinkRoute(StubHandler handler) =>
        new LinkUrlRoute(new ApiTransport(Endpoint, "key-not-used", handler), LinkUrl, "token-123", "codespace", Options)
            .RunAsync(new RunRequest("print(1)", "python", 90.5).Validated(), null, CancellationToken.None);
}
