using System.Text.Json.Nodes;

namespace AgbCode.Server.Tools;

/// <summary>Builds the small JSON Schemas ListMcpTools shows for each tool's arguments.</summary>
public static class Schema
{
    public sealed record Property(string Name, string Type, string Description, bool IsRequired, string? ItemType = null)
    {
        /// <summary>The largest value a number may have (JSON Schema "maximum").</summary>
        public long? Maximum { get; init; }
    }

    public static Property Required(string name, string type, string description, string? itemType = null) => new(name, type, description, true, itemType);
    public static Property Optional(string name, string type, string description, string? itemType = null) => new(name, type, description, false, itemType);

    public static JsonObject Object(params Property[] properties)
    {
        var props = new JsonObject();
        foreach (Property p in properties)
        {
            var schema = new JsonObject { ["type"] = p.Type, ["description"] = p.Description };
            if (p.ItemType is not null)
                schema["items"] = new JsonObject { ["type"] = p.ItemType };
            if (p.Maximum is long maximum)
                schema["maximum"] = maximum;
            props[p.Name] = schema;
        }
        return new JsonObject
        {
            ["type"] = "object",
            ["properties"] = props,
            ["required"] = new JsonArray([.. properties.Where(p => p.IsRequired).Select(p => (JsonNode)JsonValue.Create(p.Name))]),
        };
    }
}
