using System.Diagnostics;
using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The ledger is a log of what the engine holds: a thing let go is cancelled by a later line, the file is compacted
/// once cancelled lines outnumber held ones, and the reaper removes exactly what is still held.
/// </summary>
public sealed class EngineLedgerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("agb-ledger-test-").FullName;

    private string LedgerPath => Path.Combine(_root, "engines", "e1.ledger");

    public EngineLedgerTests() => Directory.CreateDirectory(Path.Combine(_root, "engines"));

    [Fact]
    public void A_thing_let_go_is_no_longer_held_and_the_same_thing_held_again_is()
    {
        using var ledger = new EngineLedger(LedgerPath);
        LedgerEntry first = ledger.Add(LedgerEntry.Slot, "7");
        ledger.Add(LedgerEntry.Directory, "/a");
        ledger.Remove(first);
        Assert.Equal([new LedgerEntry(LedgerEntry.Directory, "/a")], EngineLedger.Read(LedgerPath));
        Assert.Equal(3, File.ReadAllLines(LedgerPath).Length);   // appended, not rewritten

        ledger.Add(LedgerEntry.Slot, "7");   // a slot is reused by the same engine
        Assert.Equal([new LedgerEntry(LedgerEntry.Directory, "/a"), new LedgerEntry(LedgerEntry.Slot, "7")], EngineLedger.Read(LedgerPath));
    }

    [Fact]
    public void The_file_is_compacted_once_cancelled_lines_outnumber_held_ones()
    {
        using var ledger = new EngineLedger(LedgerPath);
        ledger.Add(LedgerEntry.Runtime, "/r");
        for (int i = 0; i < 500; i++)
            ledger.Remove(ledger.Add(LedgerEntry.Slot, i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        Assert.InRange(File.ReadAllLines(LedgerPath).Length, 1, 200);   // 1,001 lines without compaction
        Assert.Equal([new LedgerEntry(LedgerEntry.Runtime, "/r")], EngineLedger.Read(LedgerPath));
    }

    [Fact]
    public void The_reaper_removes_what_is_held_and_leaves_what_was_let_go()
    {
        string held = Directory.CreateDirectory(Path.Combine(_root, "held")).FullName;
        string letGo = Directory.CreateDirectory(Path.Combine(_root, "let-go")).FullName;
        string heldAgain = Directory.CreateDirectory(Path.Combine(_root, "held-again")).FullName;
        using (var ledger = new EngineLedger(LedgerPath))
        {
            ledger.Add(LedgerEntry.Directory, held);
            ledger.Remove(ledger.Add(LedgerEntry.Directory, letGo));
            ledger.Remove(ledger.Add(LedgerEntry.Directory, heldAgain));
            ledger.Add(LedgerEntry.Directory, heldAgain);
        }
        File.AppendAllText(LedgerPath, $"dir {_root}");   // a last line cut short: it must not be read as the state folder
        Assert.DoesNotContain(new LedgerEntry(LedgerEntry.Directory, _root), EngineLedger.Read(LedgerPath));

        Reap();

        Assert.False(Directory.Exists(held), "the reaper left a folder the ledger holds");
        Assert.False(Directory.Exists(heldAgain), "the reaper left a folder held again after it was let go once");
        Assert.True(Directory.Exists(letGo), "the reaper removed a folder the ledger had let go (a 'gone' line was not honoured)");
        Assert.False(File.Exists(LedgerPath), "the reaper left the ledger");
    }

    [Fact]
    public void What_the_reaper_cannot_remove_stays_in_the_ledger_for_the_next_sweep()
    {
        string busy = Directory.CreateDirectory(Path.Combine(_root, "busy-mountpoint")).FullName;
        string inTheWay = Path.Combine(busy, "in-the-way");
        File.WriteAllText(inTheWay, "");   // rmdir cannot remove it, as it cannot a cgroup a killed process has not left yet
        string removable = Directory.CreateDirectory(Path.Combine(_root, "removable")).FullName;
        using (var ledger = new EngineLedger(LedgerPath))
        {
            ledger.Add(LedgerEntry.MountPoint, busy);
            ledger.Add(LedgerEntry.Directory, removable);
        }

        Reap();
        Assert.False(Directory.Exists(removable));
        Assert.Equal([new LedgerEntry(LedgerEntry.MountPoint, busy)], EngineLedger.Read(LedgerPath));

        File.Delete(inTheWay);
        Reap();   // the next sweep
        Assert.False(Directory.Exists(busy));
        Assert.False(File.Exists(LedgerPath), "the reaper left the ledger");
    }

    private void Reap()
    {
        using var reap = Process.Start("/bin/bash", [EngineHost.Shared.Runtime.ReapScript, "now", _root, "e1"]);
        Assert.True(reap.WaitForExit(30_000), "reap.sh did not finish within 30 s");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
