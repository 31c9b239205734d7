using System.Globalization;
using System.Security.Cryptography;
using AgbCode.Core.Errors;

namespace AgbCode.Engine.Platform;

/// <summary>
/// Host-wide session slots. A slot names a session's cgroups and, for a root engine, its host uid (base + slot), so
/// two engines on one host never share either. Slots are files created under the host lock. A new session gets a
/// free slot at random, because its uid is visible inside the sandbox (the owner of its mounts): handed out in order,
/// it would tell a tenant how many sessions were made between two of theirs. The slots freed most recently are held
/// back for a while (a quarantine), so that a slot, and its uid, is not reused right after it was freed.
/// </summary>
internal sealed class SlotAllocator(StateRoot root, string engineId, UidPolicy uids)
{
    public const int MaxSlots = 4096;
    public const int Quarantine = 256;

    public int Allocate()
    {
        using FileLock hostLock = FileLock.Acquire(root.LockFile);
        HashSet<int> held = new(RecentlyReleased());
        HashSet<int> taken = [.. Directory.EnumerateFiles(root.SlotsDir).Select(path => SlotNumber(Path.GetFileName(path)))];
        int[] candidates = Enumerable.Range(0, MaxSlots).Where(slot => !taken.Contains(slot)).ToArray();
        // The quarantine yields when nothing else is free: a reused uid is better than a refused session.
        int[] preferred = candidates.Where(slot => !held.Contains(slot)).ToArray();
        Predicate<int> isFree = uids.FreeCheck();
        foreach (int slot in Shuffled(preferred.Length > 0 ? preferred : candidates))
        {
            if (!isFree(slot))
                continue;
            File.WriteAllText(SlotPath(slot), engineId);
            return slot;
        }
        throw new Core.Errors.AgbException(Core.Errors.AgbErrorKind.Platform, SessionErrors.TooManySessions,
            $"All {MaxSlots} session slots on this host are in use.", "Remove sessions you no longer need (Remove-AgbSession).");
    }

    public void Release(int slot)
    {
        using FileLock hostLock = FileLock.Acquire(root.LockFile);
        File.Delete(SlotPath(slot));
        IEnumerable<int> recent = RecentlyReleased().Where(s => s != slot).Append(slot).TakeLast(Quarantine);
        File.WriteAllLines(root.RecentSlotsFile, recent.Select(s => s.ToString(CultureInfo.InvariantCulture)));
    }

    public string SlotPath(int slot) => Path.Combine(root.SlotsDir, slot.ToString(CultureInfo.InvariantCulture));

    private static int SlotNumber(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int slot) && slot is >= 0 and < MaxSlots ? slot : -1;

    private IEnumerable<int> RecentlyReleased() =>
        File.Exists(root.RecentSlotsFile)
            ? File.ReadAllLines(root.RecentSlotsFile).Select(SlotNumber).Where(s => s >= 0).ToList()
            : [];

    /// <summary>
    /// The slots in random order, drawn as they are taken (Fisher-Yates, one step per slot): the first slot drawn is
    /// nearly always free, so an allocation costs one random number instead of one per slot (a whole shuffle of the
    /// ~4,000 free slots was ~4,000 calls into the crypto library under the host lock, for every session).
    /// </summary>
    private static IEnumerable<int> Shuffled(int[] slots)
    {
        for (int next = 0; next < slots.Length; next++)
        {
            int drawn = RandomNumberGenerator.GetInt32(next, slots.Length);
            (slots[next], slots[drawn]) = (slots[drawn], slots[next]);
            yield return slots[next];
        }
    }
}
