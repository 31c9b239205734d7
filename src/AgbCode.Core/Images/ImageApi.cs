namespace AgbCode.Core.Images;

/// <summary>
/// The AgbCode server's own image routes (the AGB API has none), shared by the server and the client. Both answer in the
/// AGB envelope; GET with the API key as the bearer token.
/// </summary>
public static class ImageApi
{
    /// <summary>data: [{imageId}], the base image first.</summary>
    public const string ImagesPath = "/agbcode/images";
    /// <summary>?imageId=…; data: [{language, name, version, source}].</summary>
    public const string PackagesPath = "/agbcode/images/packages";
    /// <summary>The AGB code (HTTP 400) for an image the endpoint does not offer, as the AGB cloud answers it.</summary>
    public const string UnknownImageCode = "InvalidParameter.ImageId";
}
