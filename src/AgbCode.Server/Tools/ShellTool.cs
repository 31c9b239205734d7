using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgbCode.Core.Files;
using AgbCode.Server.Api;
using AgbCode.Server.Tools.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools;

/// <summary>
/// shell {command, timeout_ms (default 1000), cwd, envs}: a fresh /bin/sh -c in the session's sandbox. Answers
/// {"stdout","stderr","exit_code","traceId"}; a non-zero exit is a tool error carrying the same JSON (the SDKs read
/// exit_code and take stderr as the message). envs reach the command as environment variables, never as shell text.
/// </summary>
public sealed partial class ShellTool(FileToolLimits limits) : WorkspaceTool("shell",
    "Run a shell command in the session's sandbox (fresh /bin/sh each call); answers JSON {stdout, stderr, exit_code, traceId}.",
    Object(Required("command", "string", "The command line, run by /bin/sh -c."),
        Optional("timeout_ms", "integer", "Wall-clock limit in milliseconds (default 1000); past it the command is killed."),
        Optional("cwd", "string", "Working directory (default: the workspace)."),
        Optional("envs", "object", "Environment variables for the command, name to value.")))
{
    public const long DefaultTimeoutMs = 1000;
    /// <summary>The exit status of a command killed at its timeout (as timeout(1) reports it).</summary>
    public const int TimedOutExitCode = 124;

    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string command = call.String("command");
        if (command.Trim().Length == 0)
            throw new ToolFailure("shell: the command is empty.");
        int bytes = Encoding.UTF8.GetByteCount(command);
        if (bytes > limits.MaxCommandBytes)
            throw new ToolFailure($"shell: the command is {ApiError.Sizes(bytes)}; at most {ApiError.Sizes(limits.MaxCommandBytes)} (AGBCODE_MAX_CODE_BYTES). Put a long script in a file with write_file and run that.");
        long timeoutMs = call.Long("timeout_ms", DefaultTimeoutMs, 1, (long)(limits.MaxTimeoutSec * 1000));
        string? cwd = call.OptionalString("cwd") is { Length: > 0 } dir ? ToolText.PathArg(Name, dir) : null;
        ShellResult result = await files.ShellAsync(command, cwd, Environment(call.Args["envs"]), TimeSpan.FromMilliseconds(timeoutMs), call.Cancellation);
        string stderr = result.TimedOut
            ? result.Stderr + $"shell: the command ran past its timeout_ms ({timeoutMs} ms) and was killed; pass a larger timeout_ms.\n"
            : result.Stderr;
        string text = new JsonObject
        {
            ["stdout"] = result.Stdout,
            ["stderr"] = stderr,
            ["exit_code"] = result.ExitCode,
            ["traceId"] = call.RequestId,
        }.ToJsonString(WireJson.Options);
        return new ToolAnswer(text, IsError: result.ExitCode != 0);
    }

    private static Dictionary<string, string>? Environment(JsonNode? node)
    {
        if (node is null)
            return null;
        if (node is not JsonObject envs)
            throw new ToolFailure("shell: 'envs' must be an object of variable names to string values.");
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string name, JsonNode? value) in envs)
        {
            if (!VariableName().IsMatch(name))
                throw new ToolFailure($"shell: '{ToolText.Line(name)}' is not a valid environment variable name (letters, digits and _, not starting with a digit).");
            if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Contains('\0'))
                throw new ToolFailure($"shell: the value of '{name}' must be a string without NUL characters.");
            result[name] = v.GetValue<string>();
        }
        return result;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
