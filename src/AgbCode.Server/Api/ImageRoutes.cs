using System.Text.Json.Nodes;
using AgbCode.Core.Images;
using AgbCode.Core.Sessions;
using AgbCode.Server.Auth;

namespace AgbCode.Server.Api;

/// <summary>
/// This server's own routes (the AGB API has none for images), under /agbcode/: the code images it offers, and what each
/// offers every language, for Get-AgbImage and any client that needs to check for a package before it runs code.
/// </summary>
public static class ImageRoutes
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(ImageApi.ImagesPath, async (HttpContext context, ICodeSpace space) =>
        {
            IReadOnlyList<string> images = await space.ListImagesAsync(context.RequestAborted);
            return Envelope.Ok(context, new JsonArray([.. images.Select(name => (JsonNode)new JsonObject { ["imageId"] = name })]));
        }).RequireApiKey();
        app.MapGet(ImageApi.PackagesPath, async (HttpContext context, ICodeSpace space) =>
        {
            string image = SessionRoutes.ImageId(context.Request.Query["imageId"]);
            IReadOnlyList<ImagePackage> packages = await space.GetImagePackagesAsync(image, context.RequestAborted);
            return Envelope.Ok(context, new JsonArray([.. packages.Select(p => (JsonNode)new JsonObject
            {
                ["language"] = p.Language,
                ["name"] = p.Name,
                ["version"] = p.Version,
                ["source"] = p.Source,
            })]), top => top["imageId"] = image);
        }).RequireApiKey();
    }
}
