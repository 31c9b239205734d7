using System.Text.Json.Nodes;

namespace AgbCode.Server.Tools;

/// <summary>
/// One MCP tool a session offers: its name and schema as ListMcpTools shows them, and what a call does. A call answers
/// one text (the SDKs parse it); a failure the caller can act on is a <see cref="ToolFailure"/> (isError true).
/// </summary>
public interface IAgbTool
{
    string Name { get; }
    string Description { get; }
    /// <summary>The JSON Schema of the arguments (an object schema with "properties" and "required").</summary>
    JsonObject InputSchema { get; }
    Task<ToolAnswer> CallAsync(ToolCall call);
}

/// <summary>What a tool answered: its text, and whether the call failed at the tool layer (isError).</summary>
public sealed record ToolAnswer(string Text, bool IsError = false);

/// <summary>A tool call that failed for a reason its message names; answered as isError with that message.</summary>
public sealed class ToolFailure(string message) : Exception(message);
