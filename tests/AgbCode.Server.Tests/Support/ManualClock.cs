namespace AgbCode.Server.Tests.Support;

/// <summary>A clock the test moves by hand, so expiry is shown by cause rather than by waiting.</summary>
public sealed class ManualClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
