using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Tools;

/// <summary>One call of a tool: the session, the arguments, the route it came by and the request's id and cancellation.</summary>
public sealed record ToolCall(string Tool, HostedSession Session, JsonObject Args, string Route, string RequestId, CancellationToken Cancellation)
{
    public string String(string name) => OptionalString(name) ?? throw new ToolFailure($"{Tool}: the argument '{name}' is required.");

    /// <summary>A path argument (see <see cref="Files.ToolText.PathArg"/>).</summary>
    public string Path(string name = "path") => Files.ToolText.PathArg(Tool, String(name));

    public string? OptionalString(string name) => Args[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ => throw new ToolFailure($"{Tool}: the argument '{name}' must be a string."),
    };

    /// <summary>A whole number (a JSON number, or a string holding one); <paramref name="fallback"/> when absent.</summary>
    public long Long(string name, long fallback, long min, long max)
    {
        long value = Args[name] switch
        {
            null => fallback,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out long n) => n,
            JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue(out double d) && d == Math.Floor(d) && Math.Abs(d) < 9e15 => (long)d,
            JsonValue v when v.GetValueKind() == JsonValueKind.String && long.TryParse(v.GetValue<string>(), out long s) => s,
            _ => throw new ToolFailure($"{Tool}: the argument '{name}' must be a whole number."),
        };
        return value >= min && value <= max ? value
            : throw new ToolFailure($"{Tool}: the argument '{name}' must be from {min} to {max}; got {value}.");
    }

    public bool Bool(string name) => Args[name] switch
    {
        null => false,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw new ToolFailure($"{Tool}: the argument '{name}' must be true or false."),
    };

    public IReadOnlyList<string> Strings(string name, bool required)
    {
        switch (Args[name])
        {
            case null when !required:
                return [];
            case null:
                throw new ToolFailure($"{Tool}: the argument '{name}' is required (an array of strings).");
            case JsonArray array when array.All(i => i is JsonValue v && v.GetValueKind() == JsonValueKind.String):
                return [.. array.Select(i => i!.GetValue<string>())];
            default:
                throw new ToolFailure($"{Tool}: the argument '{name}' must be an array of strings.");
        }
    }
}
