using System.Text.RegularExpressions;
using AgbCode.Tests.Shared;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The engine's layers, so arrows run one way: Platform (host commands, the state folder, locks, the ledger, slots and
/// uids, the mount table) knows nothing of the engine above it; the sandbox, kernels and file parts never reach up to
/// the composition (EngineHost, LocalCodeSpace, LocalSession, the sweeper and the host inventory).
/// </summary>
public sealed partial class LayerTests
{
    private static readonly string Engine = RepositoryFiles.PathOf("src/AgbCode.Engine");

    [Fact]
    public void Platform_uses_nothing_of_the_engine_above_it() =>
        AssertNone("Platform", AnyEngineLayer());

    [Fact]
    public void Sandbox_kernels_and_files_never_reach_the_composition()
    {
        foreach (string layer in new[] { "Sandbox", "Kernels", "Files" })
            AssertNone(layer, Composition());
    }

    private static void AssertNone(string folder, Regex forbidden)
    {
        string[] offenders =
        [
            .. from path in Directory.EnumerateFiles(Path.Combine(Engine, folder), "*.cs", SearchOption.AllDirectories)
               from line in File.ReadLines(path).Select((text, index) => (text, index))
               where !line.text.TrimStart().StartsWith("//", StringComparison.Ordinal) && forbidden.IsMatch(line.text)
               select $"{Path.GetRelativePath(Engine, path)}:{line.index + 1}: {line.text.Trim()}",
        ];
        Assert.True(offenders.Length == 0, $"{folder} reaches a layer above it:\n" + string.Join("\n", offenders));
    }

    [GeneratedRegex(@"AgbCode\.Engine\.(Sandbox|Kernels|Files|Contexts|Pool|Images)\b|\b(EngineHost|LocalCodeSpace|LocalSession|Sweeper|HostInventory|RuntimeFiles|Workspace|CgroupTree)\b")]
    private static partial Regex AnyEngineLayer();

    [GeneratedRegex(@"\b(EngineHost|LocalCodeSpace|LocalSession|Sweeper|HostInventory)\b")]
    private static partial Regex Composition();
}
