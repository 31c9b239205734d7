using AgbCode.Core.Files;
using AgbCode.Core.Results;

namespace AgbCode.Engine.Tests.Support;

/// <summary>What the workspace file tests share: the session's files, a Python run that must succeed, a download read back.</summary>
public abstract class WorkspaceFilesTestBase(SessionFixture fixture)
{
    protected SessionFixture Fixture { get; } = fixture;
    protected IWorkspaceFiles Files => Fixture.Session.Files;

    protected async Task<string> Python(string code)
    {
        EnhancedCodeExecutionResult result = await Fixture.Python(code);
        Assert.True(result.Success, result.ErrorMessage + "\n" + result.Error?.Traceback);
        return result.Stdout.Trim();
    }

    protected async Task<Dictionary<string, Archives.Entry>> Download(params string[] paths)
    {
        var archive = new MemoryStream();
        await Files.DownloadAsync(paths, archive);
        return Archives.Read(archive);
    }

    /// <summary>Every path below the folder, sorted, comma-separated.</summary>
    protected async Task<string> Names(string folder) =>
        string.Join(",", (await Files.ListAsync(folder, recurse: true)).Select(i => i.Path).Order(StringComparer.Ordinal));
}
