using System.Text.Json.Nodes;
using AgbCode.Client;
using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;
using AgbCode.Tests.Shared;

namespace AgbCode.Server.Tests;

/// <summary>
/// The server's images: the engine's image folder (AGBCODE_IMAGES_DIR) is the server's image list, for CreateSession and
/// for this server's own /agbcode/images routes, which the AGB client (Get-AgbImage) reads.
/// </summary>
public sealed class ImageApiTests(ExtraImageFolder images) : IClassFixture<ExtraImageFolder>, IAsyncLifetime
{
    private TestServer _server = null!;
    private AgbCloudSpace _client = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync(("IMAGES_DIR", images.Folder), ("SPARE_SESSIONS", "0"));
        _client = new AgbCloudSpace(new Uri(_server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = false });
    }

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task A_session_of_a_declared_image_runs_with_its_extra_packages()
    {
        JsonObject session = await _server.CreateSessionAsync(image: ExtraImageFolder.Image);
        string id = session["sessionId"]!.GetValue<string>();

        var (payload, _) = await _server.RunAsync(id, $"require('{ExtraImageFolder.NodeModule}')(7)", "javascript");

        Assert.Equal("true", payload["result"]![0]!["text/plain"]!.GetValue<string>());
        await _server.DeleteSessionAsync(id);
    }

    [Fact]
    public async Task The_image_routes_list_the_images_and_their_packages()
    {
        Answer listed = await _server.GetAsync(ImageApi.ImagesPath);
        Assert.Equal(200, listed.Status);
        Assert.Equal(["agb-code-space-1", "agb-code-space-2", ExtraImageFolder.Image],
            listed.Data!.AsArray().Select(i => i!["imageId"]!.GetValue<string>()));

        Answer packages = await _server.GetAsync($"{ImageApi.PackagesPath}?imageId={ExtraImageFolder.Image}");
        Assert.Equal(200, packages.Status);
        Assert.Contains(packages.Data!.AsArray(), p => p!["name"]!.GetValue<string>() == ExtraImageFolder.NodeModule
            && p["version"]!.GetValue<string>() == ExtraImageFolder.NodeModuleVersion && p["source"]!.GetValue<string>() == ImagePackage.Extra
            && p["language"]!.GetValue<string>() == "javascript");

        Answer unknown = await _server.GetAsync($"{ImageApi.PackagesPath}?imageId=agb-browser-use-1");
        Assert.Equal(400, unknown.Status);
        Assert.Equal(ImageApi.UnknownImageCode, unknown.Code);
        Assert.Equal(401, (await _server.GetAsync(ImageApi.ImagesPath, key: null)).Status);
    }

    [Fact]
    public async Task The_client_reads_them_and_reports_an_unknown_image_by_its_id()
    {
        Assert.Contains(ExtraImageFolder.Image, await _client.ListImagesAsync());
        IReadOnlyList<ImagePackage> packages = await _client.GetImagePackagesAsync(ExtraImageFolder.Image);
        Assert.Contains(packages, p => p is { Language: "python", Name: "pandas", Source: ImagePackage.Debian });
        Assert.Contains(packages, p => p is { Language: "r", Name: ExtraImageFolder.RPackage, Source: ImagePackage.Extra });

        var listing = await Assert.ThrowsAsync<AgbException>(() => _client.GetImagePackagesAsync("agb-browser-use-1"));
        Assert.Equal(ImageErrors.UnknownImageId, listing.ErrorId);
        var creating = await Assert.ThrowsAsync<AgbException>(() => _client.CreateSessionAsync(new SessionOptions { Image = "agb-browser-use-1" }));
        Assert.Equal(ImageErrors.UnknownImageId, creating.ErrorId);
        Assert.Contains($"Known images: agb-code-space-1, agb-code-space-2, {ExtraImageFolder.Image}", creating.Message);
    }

    [Fact]
    public async Task A_server_with_an_unsafe_image_folder_does_not_start()
    {
        string folder = images.AddImage("writable");
        try
        {
            File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

            var refused = await Assert.ThrowsAsync<AgbException>(() => TestServer.StartAsync(("IMAGES_DIR", images.Folder)));

            Assert.Equal(ImageErrors.InvalidImageId, refused.ErrorId);
            Assert.Contains("'writable'", refused.Message);
        }
        finally
        {
            Directory.Delete(folder);
        }
    }
}
