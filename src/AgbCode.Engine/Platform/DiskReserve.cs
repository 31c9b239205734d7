using System.Globalization;
using AgbCode.Core.Errors;

namespace AgbCode.Engine.Platform;

/// <summary>
/// Free space kept on the volume that holds the workspaces (their images are sparse: sessions promise more disk than
/// the volume has). Below the reserve no new session is made, so the host's disk never fills up with workspaces.
/// </summary>
internal static class DiskReserve
{
    public const string Variable = "AGBCODE_DISK_RESERVE_MB";
    public const long DefaultMiB = 1024;

    /// <summary>Throws the refusal (which reserve, how much is free, what to change) when the volume is below the reserve.</summary>
    public static void EnsureRoom(StateRoot root)
    {
        long reserveMiB = ReserveMiB();
        long freeMiB = new DriveInfo(root.WorkspaceRoot).AvailableFreeSpace >> 20;
        if (freeMiB < reserveMiB)
            throw new AgbException(AgbErrorKind.Platform, SessionErrors.DiskReserve,
                $"No new session: the volume that holds session workspaces has {freeMiB} MiB free, below its reserve of {reserveMiB} MiB " +
                "(kept free so that the host's disk never fills).",
                $"Free space on that volume, remove sessions you no longer need (Remove-AgbSession), move workspaces to a larger volume " +
                $"({StateRoot.WorkspaceVariable}), or lower the reserve with {Variable} (in MiB; 0 turns it off).");
    }

    private static long ReserveMiB()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text))
            return DefaultMiB;
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new AgbException(AgbErrorKind.BadInput, SessionErrors.DiskReserveInvalid,
                $"{Variable} is '{text}', which is not a whole number of MiB.", $"Set {Variable} to a number such as {DefaultMiB}, or remove it for the default.");
    }
}
