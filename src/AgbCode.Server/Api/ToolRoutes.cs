using System.Text.Json.Nodes;
using AgbCode.Core.Images;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Auth;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;

namespace AgbCode.Server.Api;

/// <summary>ListMcpTools and CallMcpTool (the "API route" of every tool: API key, args as a JSON string).</summary>
public static class ToolRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapPost("/mcp", CallAsync).RequireApiKey();
        app.MapPost("/mcp/listTools", async (HttpContext context, ICodeSpace space) =>
        {
            string image = SessionRoutes.ImageId(context.Request.Query["imageId"]);
            ImageErrors.CheckOffered(image, await space.ListImagesAsync(context.RequestAborted));   // the error envelope maps its AgbException
            return Envelope.Ok(context, JsonValue.Create(context.RequestServices.GetRequiredService<ToolCatalog>().ToolsJson()));
        }).RequireApiKey();
    }

    private static async Task<IResult> CallAsync(HttpContext context, SessionRegistry registry, ToolCatalog tools)
    {
        if (string.Equals(context.Request.Query["autoGenSession"], "true", StringComparison.OrdinalIgnoreCase))
            throw ApiError.BadParameter("autoGenSession is not supported: create a session with CreateSession and pass its sessionId.");
        JsonObject body = await JsonBody.ReadObjectAsync(context.Request);
        string name = JsonBody.OptionalString(body, "name") ?? throw ApiError.MissingParameter("name", "tool call");
        string id = JsonBody.RequiredSessionId(context.Request, body);
        HostedSession session = registry.Find(context.Tenant(), id) ?? throw ApiError.SessionNotFound(id);
        JsonObject args = JsonBody.ObjectOrJsonString(body["args"], "args") ?? [];
        return await tools.AnswerAsync(new ToolCall(name, session, args, "api", context.TraceIdentifier, context.RequestAborted), context, underResult: false);
    }
}
