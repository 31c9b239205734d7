using AgbCode.Client.Tests.Support;
using AgbCode.Core.Errors;
using AgbCode.Core.Images;

namespace AgbCode.Client.Tests.Protocol;

/// <summary>Get-AgbImage's calls against an endpoint that is not an AgbCode server (the AGB cloud has no image listing).</summary>
public sealed class ImageListingTests : IAsyncLifetime
{
    private FakeAgbServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeAgbServer.StartAsync();
    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(404, "<html>not found</html>")]
    [InlineData(404, """{"success":false,"code":"NotFound","message":"no such route","httpStatusCode":404}""")]
    public async Task An_endpoint_without_the_image_routes_says_so_and_where_they_would_be(int status, string body)
    {
        _server.Override = request => request.Path.StartsWith(ImageApi.ImagesPath, StringComparison.Ordinal) ? (status, body) : null;

        var failure = await Assert.ThrowsAsync<AgbException>(() => _server.Space().GetImagePackagesAsync("agb-code-space-1"));

        Assert.Equal("AgbImagesNotOffered", failure.ErrorId);
        Assert.Contains(ImageApi.ImagesPath, failure.Message);
        Assert.NotNull(failure.Fix);
        SeenRequest seen = Assert.Single(_server.Seen(ImageApi.PackagesPath));
        Assert.Equal("agb-code-space-1", seen.Query["imageId"].ToString());
    }

    [Fact]
    public async Task An_unknown_image_is_reported_by_its_own_id_with_the_endpoints_words()
    {
        _server.Override = _ => (400, """{"success":false,"code":"InvalidParameter.ImageId","message":"Unknown image 'x'. Known images: a, b.","httpStatusCode":400}""");

        var failure = await Assert.ThrowsAsync<AgbException>(() => _server.Space().ListImagesAsync());

        Assert.Equal(ImageErrors.UnknownImageId, failure.ErrorId);
        Assert.Contains("Known images: a, b.", failure.Message);
    }
}
