namespace AgbCode.Engine.Host;

/// <summary>
/// Host-wide session slots. A slot names a session's cgroups and, for a root engine, its host uid (base + slot), so
/// two engines on one host never share either. Slots are files created under the host lock.
/// </summary>
internal sealed class SlotAllocator(StateRoot root, string engineId, UidPolicy uids)
{
    public const int MaxSlots = 4096;

    public int Allocate()
    {
        using FileLock hostLock = FileLock.Acquire(root.LockFile);
        for (int slot = 0; slot < MaxSlots; slot++)
        {
            string path = SlotPath(slot);
            if (File.Exists(path) || !uids.IsFree(slot))
                continue;
            File.WriteAllText(path, engineId);
            return slot;
        }
        throw new Core.Errors.AgbException(Core.Errors.AgbErrorKind.Platform, "AgbTooManySessions",
            $"All {MaxSlots} session slots on this host are in use.", "Remove sessions you no longer need (Remove-AgbSession).");
    }

    public void Release(int slot) => File.Delete(SlotPath(slot));

    public string SlotPath(int slot) => Path.Combine(root.SlotsDir, slot.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
