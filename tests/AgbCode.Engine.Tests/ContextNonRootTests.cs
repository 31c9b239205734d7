using System.Text.Json.Nodes;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>A non-root engine keeps contexts as private folders of its user: persistent, without a size cap.</summary>
public class ContextNonRootTests
{
    [Fact]
    public void A_non_root_engine_keeps_a_context_as_a_private_folder_that_outlives_its_sessions()
    {
        using EngineProcess engine = NonRootTests.StartAsNobody(out string home);
        JsonNode made = engine.Send(new { op = "newcontext", name = "cache" });
        Assert.Null(made["SizeBytes"]);   // a folder: nothing caps it
        Assert.Null(made["UsedBytes"]);   // nor measures it

        string first = (string)engine.Send(new { op = "create", contexts = new[] { "cache" } })["id"]!;
        JsonNode wrote = engine.Send(new { op = "run", id = first, language = "python", code = "open('/contexts/cache/kept.txt', 'w').write('kept')" });
        Assert.True((bool)wrote["Success"]!, wrote.ToJsonString());
        engine.Send(new { op = "delete", id = first });

        string second = (string)engine.Send(new { op = "create", contexts = new[] { "cache:/home/sandbox/cache" } })["id"]!;
        JsonNode read = engine.Send(new { op = "run", id = second, language = "python", code = "print(open('cache/kept.txt').read())" });
        Assert.Equal("kept\n", (string)read["Stdout"]!);
        engine.Send(new { op = "delete", id = second });

        string folder = Path.Combine(home, "agbcode", "contexts", "own", (string)made["Id"]!);
        Assert.Equal("700 65534", Platform.HostCommand.Run("/usr/bin/stat", "-c", "%a %u", Path.Combine(folder, "files")).Trim());
        Assert.True((bool)engine.Send(new { op = "deletecontext", name = "cache" })["deleted"]!);
        Assert.False(Directory.Exists(folder));
        Directory.Delete(home, recursive: true);
    }
}
