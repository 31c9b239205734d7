using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Api;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Tools;

/// <summary>
/// The run_code tool behind all three routes (API, LinkUrl, WebSocket): checks the arguments, runs on the session's
/// kernel, and counts the run. Code that fails is a result, not an error; only bad arguments and gone sessions throw.
/// </summary>
public sealed class RunCodeTool(ServerOptions options, ServerMetrics metrics, ShutdownCoordinator shutdown, ILogger<RunCodeTool> logger)
{
    /// <summary>
    /// Reads {code, language, timeout_s} (the WebSocket params spell it timeoutS; both are accepted on every route) into a
    /// checked request with the canonical language.
    /// </summary>
    public RunRequest ParseArgs(JsonObject? args)
    {
        if (args is null)
            throw ApiError.MissingParameter("args", "tool call");
        string code = RequiredString(args, "code");
        int bytes = Encoding.UTF8.GetByteCount(code);
        if (bytes > options.MaxCodeBytes)
            throw ApiError.TooLarge("code", bytes, options.MaxCodeBytes, "AGBCODE_MAX_CODE_BYTES");
        string language = RequiredString(args, "language");
        if (!LanguageRules.TryNormalize(language, out _))
            throw new ApiError(400, "InvalidParameter", LanguageRules.UnsupportedLanguage(language).Message);
        double timeout = Timeout(args["timeout_s"] ?? args["timeoutS"]);
        try
        {
            return new RunRequest(code, language, timeout).Validated();
        }
        catch (AgbException error)
        {
            throw ApiError.From(error);
        }
    }

    public async Task<EnhancedCodeExecutionResult> RunAsync(HostedSession session, RunRequest request, string route, IRunObserver? observer,
        CancellationToken cancellationToken)
    {
        using IDisposable lease = shutdown.BeginRun();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shutdown.RunsCancelled);
        long start = Stopwatch.GetTimestamp();
        EnhancedCodeExecutionResult result;
        try
        {
            result = await session.Engine.RunAsync(request, observer, linked.Token);
        }
        catch (AgbException error) when (error.ErrorId == SessionErrors.SessionClosed)
        {
            throw ApiError.SessionNotFound(session.Id);
        }
        catch (ObjectDisposedException)   // the session was removed while the run waited for its kernel
        {
            throw ApiError.SessionNotFound(session.Id);
        }
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        string outcome = Outcome(result);
        metrics.Runs.WithLabels(request.Language, route, outcome).Inc();
        metrics.RunDuration.WithLabels(request.Language, route).Observe(seconds);
        if (session.Engine.Kernels.FirstOrDefault(k => k.Language == request.Language)?.State == KernelState.Dead)
            metrics.SandboxKills.WithLabels(request.Language, result.Error?.Name ?? "unknown").Inc();
        logger.LogInformation("Run {RunId} in session {SessionId}: {Language} via {Route}, {Outcome} in {DurationMs:0.0} ms",
            result.RequestId, session.Id, request.Language, route, outcome, seconds * 1000);
        return result;
    }

    private static string Outcome(EnhancedCodeExecutionResult result) => result.Success
        ? "success"
        : result.Error?.Name switch
        {
            RunErrorNames.Timeout => "timeout",
            RunErrorNames.Cancelled => "cancelled",
            _ => "error",
        };

    private static string RequiredString(JsonObject args, string name) => args[name] switch
    {
        null => throw ApiError.MissingParameter(name, "run_code arguments"),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw ApiError.BadParameter($"The run_code argument '{name}' must be a string."),
    };

    private double Timeout(JsonNode? node)
    {
        double seconds = node switch
        {
            null => RunRequest.DefaultTimeoutSec,
            JsonValue value when value.GetValueKind() == JsonValueKind.Number && value.TryGetValue(out double number) => number,
            JsonValue value when value.GetValueKind() == JsonValueKind.String
                && double.TryParse(value.GetValue<string>(), NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
            _ => throw ApiError.BadParameter("The run_code timeout (timeout_s) must be a number of seconds, e.g. 60."),
        };
        if (double.IsNaN(seconds) || seconds <= 0 || seconds > options.MaxRunTimeoutSec)
            throw ApiError.BadParameter(string.Create(CultureInfo.InvariantCulture,
                $"The run_code timeout must be more than 0 and at most {options.MaxRunTimeoutSec} seconds (AGBCODE_MAX_RUN_TIMEOUT_SEC); got {seconds}."));
        return seconds;
    }
}
