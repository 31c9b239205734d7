using AgbCode.Client.Parsing;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Routes;

/// <summary>run_code as one tool call over a <see cref="ToolChannel"/>; the tool's text is parsed as the SDKs parse it.</summary>
internal abstract class ToolRunRoute(ToolChannel channel, string? server, AgbClientOptions options) : HttpRunRoute(options)
{
    public override string Name => channel.Name;

    protected override async Task<EnhancedCodeExecutionResult> CallAsync(RunRequest request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ToolReply reply = await channel.CallAsync("run_code", server, Args(request), timeout, cancellationToken).ConfigureAwait(false);
        return reply.Failed ? RunCodeResultParser.Failed(reply.RequestId, reply.Text) : RunCodeResultParser.Parse(reply.Text, reply.RequestId);
    }
}
