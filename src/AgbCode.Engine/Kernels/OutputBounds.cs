namespace AgbCode.Engine.Kernels;

/// <summary>
/// Bounds on what one run (or the time between runs) can make the engine hold or parse, beside the session's output cap.
/// They are fixed, not settings: an honest run stays far below them, and what lies past them is never useful.
/// </summary>
internal static class OutputBounds
{
    /// <summary>Display items kept per run; later ones are dropped and the result flagged as truncated.</summary>
    public const int MaxResultItems = 1000;

    /// <summary>MIME representations kept per display bundle; the rest are dropped and the result flagged as truncated.</summary>
    public const int MaxMimeKeys = 64;

    public static readonly string ItemsMarker =
        $"\n[display truncated: the run displayed more than {MaxResultItems} items; the rest were dropped]\n";

    public static readonly string MimeKeysMarker =
        $"\n[display truncated: a display had more than {MaxMimeKeys} representations; the rest were dropped]\n";

    /// <summary>
    /// The most message bytes an honest driver sends for one run, or between two runs: it stops itself at the cap
    /// (counted in UTF-8 text), JSON escaping of control characters makes one byte up to six, plus the main result and
    /// the error. Whoever sends more is killed.
    /// </summary>
    public static long HonestVolume(long cap) => 8 * cap + 4 * 1024 * 1024;
}
