namespace AgbCode.PowerShell.Model;

/// <summary>One piece of a run's output, as -Stream writes it; it prints as its bare text.</summary>
public sealed class AgbOutputChunk(string text, string stream, DateTimeOffset time, string sessionId)
{
    public string Text { get; } = text;
    /// <summary>"Stdout" or "Stderr".</summary>
    public string Stream { get; } = stream;
    public DateTimeOffset Time { get; } = time;
    public string SessionId { get; } = sessionId;

    public override string ToString() => Text;
}
