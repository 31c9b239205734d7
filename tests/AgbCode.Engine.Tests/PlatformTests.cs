using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Where a sandbox cannot be had, the engine refuses with the cause and the fix, and makes nothing.</summary>
public class PlatformTests
{
    // A private mount namespace whose /usr/bin lacks bwrap (links to every other program).
    private const string HideBwrap = """
        set -e
        real=$(mktemp -d) farm=$(mktemp -d)
        mount --bind /usr/bin "$real"
        for program in "$real"/*; do ln -s "$program" "$farm/"; done
        rm "$farm/bwrap"
        mount --bind "$farm" /usr/bin
        exec "$@"
        """;

    [Fact]
    public void Without_bubblewrap_creating_a_session_fails_with_the_fix()
    {
        using EngineProcess engine = EngineProcess.Start(runAs: ["/usr/bin/unshare", "--mount", "--propagation", "private", "--", "/bin/sh", "-c", HideBwrap, "sh"]);

        var failure = Assert.Throws<InvalidOperationException>(() => engine.Send(new { op = "create" }));

        Assert.Contains("bubblewrap was not found at /usr/bin/bwrap", failure.Message);
        Assert.Contains("apt-get install bubblewrap", failure.Message);
    }
}
