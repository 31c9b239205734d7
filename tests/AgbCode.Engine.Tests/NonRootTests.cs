using System.Text.Json.Nodes;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>An engine that is not root still sandboxes, and its sessions say exactly which protections are weaker.</summary>
public class NonRootTests
{
    private const string Nobody = "65534";

    /// <summary>An engine process running as nobody, with a home (and state folder) of its own in <paramref name="home"/>.</summary>
    internal static EngineProcess StartAsNobody(out string home)
    {
        home = Directory.CreateTempSubdirectory("agbcode-nobody-").FullName;
        File.SetUnixFileMode(home, (UnixFileMode)0x1FF);
        Platform.HostCommand.Run("/usr/bin/chown", $"{Nobody}:{Nobody}", home);
        return EngineProcess.Start(
            runAs: ["/usr/bin/setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--"],
            environment: new Dictionary<string, string> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home, ["XDG_RUNTIME_DIR"] = home });
    }

    [Fact]
    public void An_unprivileged_engine_sandboxes_and_reports_its_weaker_protections()
    {
        using EngineProcess engine = StartAsNobody(out string home);

        JsonNode created = engine.Send(new { op = "create" });
        var protections = created["isolation"]!.AsArray().ToDictionary(p => (string)p!["Name"]!, p => (bool)p!["Enforced"]!);
        JsonNode result = engine.Send(new { op = "run", id = (string)created["id"]!, language = "python",
            code = "import os, socket\nprint(os.getuid(), sorted(n for _, n in socket.if_nameindex()))\nopen('f', 'w').write('x')" });
        string workspace = (string)created["footprint"]!["Workspace"]!;
        string owner = Platform.HostCommand.Run("/usr/bin/stat", "-c", "%u", Path.Combine(workspace, "f")).Trim();

        Assert.True((bool)result["Success"]!, result.ToJsonString());
        Assert.Equal("1000 ['lo']\n", (string)result["Stdout"]!);
        Assert.Equal(Nobody, owner);
        Assert.True(protections["Namespaces"] && protections["No network"] && protections["Seccomp filter"]);
        Assert.False(protections["Own host uid"]);
        Assert.False(protections["Memory limit"]);
        Assert.False(protections["CPU limit"]);
        Assert.False(protections["Workspace disk cap"]);
        Assert.False(protections["Tmp size limit"]);
        Assert.True(protections["File size limit"]);

        engine.Send(new { op = "delete", id = (string)created["id"]! });
        Assert.False(Directory.Exists(workspace));
        Directory.Delete(home, recursive: true);
    }
}
