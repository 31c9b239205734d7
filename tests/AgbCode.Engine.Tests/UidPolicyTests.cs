using System.Diagnostics;
using System.Globalization;
using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests;

/// <summary>A root engine never hands out a slot whose uid a living process has (one pass over /proc per allocation).</summary>
public sealed class UidPolicyTests
{
    private readonly UidPolicy _uids = UidPolicy.For(StateRoot.Resolve());

    [Fact]
    public void A_slot_whose_uid_has_a_living_process_is_not_free()
    {
        Assert.True(_uids.PerSessionUids, "These tests need a root engine (per-session uids).");
        int slot = Enumerable.Range(0, SlotAllocator.MaxSlots).Reverse().First(s => _uids.FreeCheck()(s));
        string uid = _uids.UidFor(slot).ToString(CultureInfo.InvariantCulture);

        using var process = Process.Start("/usr/bin/setpriv", ["--reuid", uid, "--regid", uid, "--clear-groups", "/bin/sleep", "120"]);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);   // only a guard against a hang: waits for setpriv to take the uid
            while (!UidLine(process.Id).StartsWith($"Uid:\t{uid}\t", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
                Thread.Sleep(10);

            Assert.Contains(process.Id, ProcessTable.ProcessesOf(_uids.UidFor(slot)));
            Assert.False(_uids.FreeCheck()(slot), $"Slot {slot} counted as free while process {process.Id} runs as its uid {uid}.");
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
        Assert.True(_uids.FreeCheck()(slot), $"Slot {slot} still counted as taken after its process was reaped.");
    }

    [Fact]
    public void The_uids_read_from_proc_are_those_the_status_files_name()
    {
        HashSet<uint> living = ProcessTable.LivingUids();
        uint own = uint.Parse(UidLine(Environment.ProcessId).Split('\t')[1], CultureInfo.InvariantCulture);
        Assert.Contains(own, living);
        Assert.Contains(ProcessTable.Processes(), p => p.Pid == Environment.ProcessId && p.Uid == own);
    }

    private static string UidLine(int pid)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return "";
        }
    }
}
