using AgbCode.Client;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// A missing package is named in a remote result as in a local one: the AgbCode client against the real server, over
/// the API route and over the WebSocket, where only the error's name and text travel.
/// </summary>
[Collection(SharedServerCollection.Name)]
public sealed class RemoteMissingPackageTests(SharedServer shared)
{
    [Theory]
    [InlineData(false, "python", "import agb_absent_pkg", "agb_absent_pkg")]
    [InlineData(true, "python", "import agb_absent_pkg", "agb_absent_pkg")]
    [InlineData(false, "r", "library(agbAbsentPkg)", "agbAbsentPkg")]
    public async Task A_remote_run_names_the_missing_package(bool webSocket, string language, string code, string package)
    {
        await using var space = new AgbCloudSpace(new Uri(shared.Server.BaseUrl), TestServer.KeyA, new AgbClientOptions { UseWebSocket = webSocket });
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions());
        try
        {
            EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(code, language, 60));

            Assert.False(result.Success);
            Assert.Equal(new MissingPackage(language, package), result.MissingPackage);
        }
        finally
        {
            await space.DeleteSessionAsync(session.Id);
        }
    }
}
