using System.Globalization;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// New sessions are refused while the workspace volume is below its free-space reserve. The volume is a 64 MiB tmpfs
/// the test mounts (never the host's root), used by an engine process of its own (AGBCODE_WORKSPACE_DIR).
/// </summary>
public sealed class DiskReserveTests : IDisposable
{
    private readonly string _volume = Path.Combine(Path.GetTempPath(), $"agbcode-reserve-{Guid.NewGuid():N}");

    public DiskReserveTests()
    {
        Directory.CreateDirectory(_volume);
        HostCommand.Run("/usr/bin/mount", "-t", "tmpfs", "-o", "size=64m,mode=0711", "tmpfs", _volume);
    }

    private EngineProcess EngineWithReserve(long reserveMiB) => EngineProcess.Start(environment: new Dictionary<string, string>
    {
        [StateRoot.WorkspaceVariable] = _volume,
        [DiskReserve.Variable] = reserveMiB.ToString(CultureInfo.InvariantCulture),
    });

    private static readonly object SmallDisk = new { op = "create", limits = new { DiskBytes = 32L << 20 } };

    [Fact]
    public void A_session_is_refused_below_the_reserve_naming_it_the_free_space_and_the_setting()
    {
        using EngineProcess engine = EngineWithReserve(128);
        var refusal = Assert.Throws<InvalidOperationException>(() => engine.Send(SmallDisk));
        Assert.Contains("below its reserve of 128 MiB", refusal.Message);
        Assert.Matches("has (6[0-4]) MiB free", refusal.Message);   // the tmpfs's 64 MiB, less the engine's folders
        Assert.Contains(DiskReserve.Variable, refusal.Message);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_volume, "images")));   // refused before anything was made
    }

    [Fact]
    public void Above_the_reserve_the_same_volume_takes_a_session()
    {
        using EngineProcess engine = EngineWithReserve(16);
        string id = (string)engine.Send(SmallDisk)["id"]!;
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_volume, "images")));
        engine.Send(new { op = "delete", id });
    }

    public void Dispose()
    {
        HostCommand.Run("/usr/bin/umount", _volume);
        Directory.Delete(_volume);
    }
}
