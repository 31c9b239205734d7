using System.Text.Json.Nodes;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Server.Api;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// A tool over the session's workspace (<see cref="IWorkspaceFiles"/>: every operation runs in the session's sandbox).
/// The engine's refusals (no such item, disk full, bad path) become tool errors that keep the engine's message and end
/// with its error id in brackets (<see cref="WorkspaceErrors"/>); a session that went away is the envelope's "session
/// not found", as for run_code.
/// </summary>
public abstract class WorkspaceTool(string name, string description, JsonObject inputSchema) : IAgbTool
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public JsonObject InputSchema { get; } = inputSchema;

    public async Task<ToolAnswer> CallAsync(ToolCall call)
    {
        try
        {
            return await RunAsync(call, call.Session.Engine.Files);
        }
        catch (AgbException error) when (error.ErrorId == SessionErrors.SessionClosed)
        {
            throw ApiError.SessionNotFound(call.Session.Id);
        }
        catch (ObjectDisposedException)
        {
            throw ApiError.SessionNotFound(call.Session.Id);
        }
        catch (AgbException error)
        {
            throw new ToolFailure(WorkspaceErrors.Tagged($"{Name}: {error.MessageWithFix}", error.ErrorId));
        }
    }

    /// <summary>The "path" argument of a file tool; <paramref name="what"/> says what it names ("The file", "The folder").</summary>
    protected static Schema.Property PathArgument(string what) =>
        Schema.Required("path", "string", $"{what}: relative to the workspace, or absolute inside the session.");

    protected abstract Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files);
}
