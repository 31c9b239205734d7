using AgbCode.Server.Ops;
using AgbCode.Server.Tests.Support;
using Microsoft.Extensions.Logging;

namespace AgbCode.Server.Tests;

/// <summary>The engine's failure reports go to the server's log, those made before the log existed included.</summary>
public class EngineLogBridgeTests
{
    [Fact]
    public void Reports_made_before_and_after_the_log_exists_are_all_written_with_their_cause()
    {
        var bridge = new EngineLogBridge();
        bridge.Log.Failed("making a spare session", new IOException("mkfs.ext4 failed (exit code 1): no space"));
        var capture = new LogCapture();
        using ILoggerFactory factory = LoggerFactory.Create(logging => logging.AddProvider(capture));

        bridge.Attach(factory);
        bridge.Log.Observe(Task.FromException(new IOException("umount: target is busy")), "removing idle session s1");

        string[] entries = [.. capture.Entries];
        Assert.Equal(2, entries.Length);
        Assert.StartsWith("Warning AgbCode.Engine: Engine: making a spare session failed: mkfs.ext4 failed (exit code 1): no space", entries[0]);
        Assert.StartsWith("Warning AgbCode.Engine: Engine: removing idle session s1 failed: umount: target is busy", entries[1]);
    }
}
