using System.Globalization;

namespace AgbCode.Engine.Host;

/// <summary>
/// Host-wide session slots. A slot names a session's cgroups and, for a root engine, its host uid (base + slot), so
/// two engines on one host never share either. Slots are files created under the host lock, handed out round-robin
/// (like pids) so that a slot, and its uid, is not reused right after it was freed.
/// </summary>
internal sealed class SlotAllocator(StateRoot root, string engineId, UidPolicy uids)
{
    public const int MaxSlots = 4096;

    public int Allocate()
    {
        using FileLock hostLock = FileLock.Acquire(root.LockFile);
        int start = NextCandidate();
        for (int i = 0; i < MaxSlots; i++)
        {
            int slot = (start + i) % MaxSlots;
            string path = SlotPath(slot);
            if (File.Exists(path) || !uids.IsFree(slot))
                continue;
            File.WriteAllText(path, engineId);
            File.WriteAllText(root.NextSlotFile, ((slot + 1) % MaxSlots).ToString(CultureInfo.InvariantCulture));
            return slot;
        }
        throw new Core.Errors.AgbException(Core.Errors.AgbErrorKind.Platform, "AgbTooManySessions",
            $"All {MaxSlots} session slots on this host are in use.", "Remove sessions you no longer need (Remove-AgbSession).");
    }

    public void Release(int slot) => File.Delete(SlotPath(slot));

    public string SlotPath(int slot) => Path.Combine(root.SlotsDir, slot.ToString(CultureInfo.InvariantCulture));

    private int NextCandidate() =>
        File.Exists(root.NextSlotFile) && int.TryParse(File.ReadAllText(root.NextSlotFile), out int next) && next is >= 0 and < MaxSlots ? next : 0;
}
