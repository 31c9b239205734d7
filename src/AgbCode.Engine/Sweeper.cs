using AgbCode.Engine.Platform;
using System.Diagnostics;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine;

/// <summary>
/// Finds engines that died on this host (their lock is free but their ledger is still there) and runs the reaper on
/// what they left, then frees slots that no living engine owns, and removes runtime folders of engine versions no
/// living engine uses. Only dead engines' things are touched.
/// </summary>
internal sealed class Sweeper(StateRoot root, RuntimeFiles runtime)
{
    public void SweepDeadEngines()
    {
        foreach (string ledger in Directory.EnumerateFiles(root.EnginesDir, "*.ledger"))
        {
            string engineId = Path.GetFileNameWithoutExtension(ledger);
            string lockFile = Path.Combine(root.EnginesDir, engineId + ".lock");
            using (FileLock? probe = FileLock.TryAcquire(lockFile))
            {
                if (probe is null)
                    continue;   // alive
            }
            Reap(engineId);
        }
        FreeOrphanSlots();
        PruneRuntimes();
    }

    /// <summary>
    /// Engines write "runtime PATH" into their ledgers; folders no ledger names, an hour old or more (an engine that is
    /// starting may not have written its ledger yet), belong to versions nobody runs any more.
    /// </summary>
    private void PruneRuntimes()
    {
        var inUse = new HashSet<string>(StringComparer.Ordinal) { runtime.Path };
        foreach (string ledger in Directory.EnumerateFiles(root.EnginesDir, "*.ledger"))
            foreach (LedgerEntry entry in EngineLedger.Read(ledger).Where(e => e.Kind == LedgerEntry.Runtime))
                inUse.Add(entry.Value);
        DateTime cutoff = DateTime.UtcNow.AddHours(-1);
        foreach (string folder in Directory.EnumerateDirectories(root.RuntimeParentDir))
        {
            if (inUse.Contains(folder) || Directory.GetLastWriteTimeUtc(folder) > cutoff)
                continue;
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException) { }   // another engine is pruning it too
        }
    }

    private void Reap(string engineId)
    {
        var info = new ProcessStartInfo(Tools.Bash) { UseShellExecute = false, RedirectStandardInput = true };
        info.Environment.Clear();
        foreach (string argument in new[] { runtime.ReapScript, "now", root.Path, engineId })
            info.ArgumentList.Add(argument);
        using Process process = Process.Start(info)!;
        process.StandardInput.Close();
        if (!process.WaitForExit(60_000))
            process.Kill();
    }

    private void FreeOrphanSlots()
    {
        using FileLock hostLock = FileLock.Acquire(root.LockFile);
        foreach (string slot in Directory.EnumerateFiles(root.SlotsDir))
        {
            string owner;
            try
            {
                owner = File.ReadAllText(slot).Trim();
            }
            catch (IOException)
            {
                continue;
            }
            string ownerLock = Path.Combine(root.EnginesDir, owner + ".lock");
            if (!File.Exists(ownerLock) && !File.Exists(Path.Combine(root.EnginesDir, owner + ".ledger")))
                File.Delete(slot);
        }
    }
}
