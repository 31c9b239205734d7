namespace AgbCode.Core.Errors;

/// <summary>The errors about reaching a remote AGB endpoint.</summary>
public static class RemoteErrors
{
    public const string ApiKeyMissing = "AgbApiKeyMissing";
    public const string AuthenticationFailed = "AgbAuthenticationFailed";
    public const string ConnectionFailed = "AgbConnectionFailed";
    public const string InsecureEndpoint = "AgbInsecureEndpoint";
    public const string InvalidEndpoint = "AgbInvalidEndpoint";
    public const string RequestFailed = "AgbRequestFailed";
    public const string ImagesNotOffered = "AgbImagesNotOffered";
    public const string UnsafeListing = "AgbUnsafeListing";
}
