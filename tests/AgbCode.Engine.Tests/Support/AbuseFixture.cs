using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Tests.Support;

/// <summary>
/// Runs an attack in a session of its own with small limits, while a neighbour session is in the middle of its own
/// work, then checks the three things every abuse test asserts: the attack was contained with a clear result, the host
/// is unaffected (no file outside the workspace changed, no process left), and the neighbour kept its state and answered.
/// </summary>
public sealed class AbuseFixture : SessionFixture
{
    public static readonly SessionLimits Small = SessionLimits.Default with
    {
        MemoryBytes = 256 * SessionLimits.MiB,
        MaxProcesses = 64,
        DiskBytes = 32 * SessionLimits.MiB,
        FileSizeBytes = 8 * SessionLimits.MiB,
        TmpBytes = 16 * SessionLimits.MiB,
        OutputBytes = 1 * SessionLimits.MiB,
        InterruptGrace = TimeSpan.FromSeconds(1),
    };

    private const string NeighbourWork = "import time\nfor i in range(15):\n    print(i, flush=True); time.sleep(0.05)\nneighbour_state";
    private static readonly string ExpectedNeighbourOutput = string.Concat(Enumerable.Range(0, 15).Select(i => $"{i}\n"));
    private readonly string _canary = Path.Combine(Path.GetTempPath(), $"agbcode-canary-{Guid.NewGuid():N}");
    private DateTime _canaryTime;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await File.WriteAllTextAsync(_canary, "host file");
        _canaryTime = File.GetLastWriteTimeUtc(_canary);
        EnhancedCodeExecutionResult set = await Python("neighbour_state = 'intact'");
        Assert.True(set.Success, set.ErrorMessage);
    }

    public async Task<EnhancedCodeExecutionResult> Abuse(string language, string code, Action<EnhancedCodeExecutionResult> contained,
        double timeoutSec = 30, SessionLimits? limits = null)
    {
        var attacker = (LocalSession)await Space.CreateSessionAsync(new SessionOptions { Limits = limits ?? Small });
        SessionFootprint footprint = attacker.Footprint;
        EnhancedCodeExecutionResult result;
        try
        {
            await attacker.StartKernelAsync(language);
            Task<EnhancedCodeExecutionResult> attack = attacker.RunAsync(new RunRequest(code, language, timeoutSec));
            EnhancedCodeExecutionResult meanwhile = await Python(NeighbourWork, timeoutSec: 120);   // during the attack
            result = await attack;
            Assert.Equal(ExpectedNeighbourOutput, meanwhile.Stdout);
            Assert.Equal("'intact'", meanwhile.Text);
            contained(result);
        }
        finally
        {
            await Space.DeleteSessionAsync(attacker.Id);
        }
        HostLeaks.AssertGone(footprint);
        Assert.Equal("host file", await File.ReadAllTextAsync(_canary));
        Assert.Equal(_canaryTime, File.GetLastWriteTimeUtc(_canary));
        Assert.Equal("'intact'", (await Python("neighbour_state")).Text);
        return result;
    }

    public override async Task DisposeAsync()
    {
        File.Delete(_canary);
        await base.DisposeAsync();
    }
}
