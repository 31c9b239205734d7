using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Images;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Named images: an operator's extra library folder reaches every language of sessions of that image, read-only, and
/// no other image; Get-AgbImage's listing; unsafe image folders refused with their cause and fix.
/// </summary>
public sealed class ImageTests(ExtraImageFolder images) : IClassFixture<ExtraImageFolder>, IAsyncLifetime
{
    private LocalCodeSpace _space = null!;

    public Task InitializeAsync()
    {
        _space = new LocalCodeSpace(0, new ImageCatalog(images.Folder));
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _space.DisposeAsync();

    private async Task<ICodeSession> SessionOf(string image) => await _space.CreateSessionAsync(new SessionOptions { Image = image });

    private static async Task<EnhancedCodeExecutionResult> Run(ICodeSession session, string language, string code)
    {
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(code, language, 60));
        return result;
    }

    [Fact]
    public async Task An_images_extra_packages_reach_each_language_of_its_sessions()
    {
        ICodeSession session = await SessionOf(ExtraImageFolder.Image);
        Assert.Equal(ExtraImageFolder.Image, session.Image);

        var python = await Run(session, "python", $"import {ExtraImageFolder.PythonModule}; {ExtraImageFolder.PythonModule}.__file__");
        Assert.True(python.Success, python.ErrorMessage);
        Assert.StartsWith($"'{CodeImage.Mount}/python/", python.Text);

        var javascript = await Run(session, "javascript", $"require('{ExtraImageFolder.NodeModule}')(42) && !require('{ExtraImageFolder.NodeModule}')('x')");
        Assert.True(javascript.Success, javascript.ErrorMessage);
        Assert.Equal("true", javascript.Text);

        var r = await Run(session, "r", $"library({ExtraImageFolder.RPackage}); cat(find.package('{ExtraImageFolder.RPackage}'))");
        Assert.True(r.Success, r.ErrorMessage);
        Assert.Equal($"{CodeImage.Mount}/r/{ExtraImageFolder.RPackage}", r.Stdout.Trim());

        var java = await Run(session, "java", $"new {ExtraImageFolder.JavaClass}().addOption(\"v\", false, \"verbose\").hasOption(\"v\")");
        Assert.True(java.Success, java.ErrorMessage);
        Assert.Equal("true", java.Text);
    }

    [Fact]
    public async Task The_base_image_has_none_of_them()
    {
        ICodeSession session = await SessionOf(SessionOptions.DefaultImage);

        var python = await Run(session, "python", $"import {ExtraImageFolder.PythonModule}");
        Assert.Equal("ModuleNotFoundError", python.Error?.Name);
        var javascript = await Run(session, "javascript", $"require('{ExtraImageFolder.NodeModule}')");
        Assert.False(javascript.Success);
        Assert.Contains("Cannot find module", javascript.ErrorMessage);
        var r = await Run(session, "r", $"library({ExtraImageFolder.RPackage})");
        Assert.False(r.Success);
        Assert.Contains("there is no package called", r.ErrorMessage);
        var environment = await Run(session, "python", "import os; [os.environ.get(v) for v in ('PYTHONPATH', 'R_LIBS', 'NODE_PATH')], os.path.exists('/opt/agbcode-image')");
        Assert.Equal("([None, None, None], False)", environment.Text);
    }

    [Fact]
    public async Task The_extra_folder_is_read_only_in_the_sandbox()
    {
        ICodeSession session = await SessionOf(ExtraImageFolder.Image);

        var write = await Run(session, "python",
            $"open('{CodeImage.Mount}/python/planted.py', 'w').write('x')");

        Assert.Equal("OSError", write.Error?.Name);   // EROFS: read-only file system
        Assert.Contains("Read-only file system", write.Error?.Value);
        Assert.False(File.Exists(Path.Combine(images.ImageFolder, "python", "planted.py")));
    }

    [Fact]
    public async Task Image_packages_list_Debians_and_the_extra_folders_with_versions()
    {
        IReadOnlyList<ImagePackage> extras = await _space.GetImagePackagesAsync(ExtraImageFolder.Image);
        IReadOnlyList<ImagePackage> baseImage = await _space.GetImagePackagesAsync(SessionOptions.DefaultImage);

        ImagePackage pandas = Assert.Single(extras, p => p.Name == "pandas");
        Assert.Equal(("python", ImagePackage.Debian), (pandas.Language, pandas.Source));
        Assert.Matches(@"^\d+\.\d+", pandas.Version);
        Assert.Contains(extras, p => p is { Language: "r", Name: "ggplot2", Source: ImagePackage.Debian });
        Assert.Contains(extras, p => p is { Language: "javascript", Name: ExtraImageFolder.NodeModule, Version: ExtraImageFolder.NodeModuleVersion, Source: ImagePackage.Extra });
        Assert.Contains(extras, p => p is { Language: "python", Name: ExtraImageFolder.PythonModule, Source: ImagePackage.Extra });
        Assert.Contains(extras, p => p is { Language: "r", Name: ExtraImageFolder.RPackage, Version: "1.0.0", Source: ImagePackage.Extra });
        Assert.Contains(extras, p => p is { Language: "java", Name: "commons-cli", Version: "1.5.0", Source: ImagePackage.Extra });
        Assert.All(extras, p => Assert.Equal(ExtraImageFolder.Image, p.Image));

        Assert.DoesNotContain(baseImage, p => p.Source == ImagePackage.Extra);
        Assert.Contains(baseImage, p => p.Name == "pandas");
    }

    [Fact]
    public async Task Images_are_the_built_in_ones_then_the_declared_folders()
    {
        Directory.CreateDirectory(Path.Combine(images.Folder, ".staging"));

        IReadOnlyList<string> names = await _space.ListImagesAsync();

        Assert.Equal([.. ImageCatalog.BuiltIn, ExtraImageFolder.Image], names.Where(n => !n.StartsWith("spoiled-", StringComparison.Ordinal)));
        var unknown = await Assert.ThrowsAsync<AgbException>(() => SessionOf("agb-browser-use-1"));
        Assert.Equal(ImageErrors.UnknownImageId, unknown.ErrorId);
        Assert.Contains($"agb-code-space-1, agb-code-space-2, {ExtraImageFolder.Image}", unknown.Message);
        var listing = await Assert.ThrowsAsync<AgbException>(() => _space.GetImagePackagesAsync("agb-browser-use-1"));
        Assert.Equal(ImageErrors.UnknownImageId, listing.ErrorId);
    }

    public static TheoryData<string, string, string> Spoilers => new()
    {
        { "chmod 777 {0}", "can be written by its group or by others", "chmod -R go-w" },
        { "chown 54321 {0}", "belongs to uid 54321", "chown -R root:" },
        { "mkdir {0}/python && chmod 757 {0}/python", "python can be written", "chmod -R go-w" },
        { "rmdir {0} && ln -s /tmp {0}", "is not a folder (a symbolic link", "real folder" },
        { "chmod 700 {0}", "cannot be read by the sessions' users", "chmod -R o+rX" },
    };

    [Theory]
    [MemberData(nameof(Spoilers))]
    public async Task An_image_folder_a_sandbox_could_change_is_refused_with_the_cause_and_the_fix(string spoil, string cause, string fix)
    {
        string name = $"spoiled-{Guid.NewGuid():N}"[..20];
        string folder = images.AddImage(name);
        try
        {
            Shell(string.Format(System.Globalization.CultureInfo.InvariantCulture, spoil, folder));

            var refused = await Assert.ThrowsAsync<AgbException>(() => SessionOf(name));

            Assert.Equal(ImageErrors.InvalidImageId, refused.ErrorId);
            Assert.Contains(cause, refused.Message);
            Assert.Contains(fix, refused.Fix);
            Assert.Empty(await _space.ListSessionsAsync());
        }
        finally
        {
            Shell($"rm -rf {folder}");
        }
    }

    [Fact]
    public async Task An_images_folder_the_sessions_users_cannot_reach_is_refused()
    {
        string closed = Directory.CreateTempSubdirectory("agbcode-closed-").FullName;   // mode 700, as mktemp -d makes it
        string image = Path.Combine(closed, "images", "shut");
        Directory.CreateDirectory(image);
        Shell($"chmod 755 {closed}/images {image}");
        try
        {
            await using var space = new LocalCodeSpace(0, new ImageCatalog(Path.Combine(closed, "images")));

            var refused = await Assert.ThrowsAsync<AgbException>(() => space.CreateSessionAsync(new SessionOptions { Image = "shut" }));

            Assert.Equal(ImageErrors.InvalidImageId, refused.ErrorId);
            Assert.Contains($"{closed}, a folder above", refused.Message);
            Assert.Contains($"chmod o+x {closed}", refused.Fix);
        }
        finally
        {
            Directory.Delete(closed, recursive: true);
        }
    }

    [Fact]
    public async Task An_images_folder_inside_the_engines_state_is_refused()
    {
        _ = await _space.ListImagesAsync();
        string inside = Path.Combine(EngineHost.Shared.Root.WorkspacesDir, "images-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(inside, "planted"));
        try
        {
            await using var space = new LocalCodeSpace(0, new ImageCatalog(inside));

            var refused = await Assert.ThrowsAsync<AgbException>(() => space.CreateSessionAsync(new SessionOptions { Image = "planted" }));

            Assert.Equal(ImageErrors.InvalidImageId, refused.ErrorId);
            Assert.Contains("overlaps the engine's state folder", refused.Message);
            Assert.Throws<AgbException>(space.CheckImages);
        }
        finally
        {
            Directory.Delete(inside, recursive: true);
        }
    }

    private static void Shell(string command)
    {
        using var process = System.Diagnostics.Process.Start("/bin/sh", ["-c", command]);
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
