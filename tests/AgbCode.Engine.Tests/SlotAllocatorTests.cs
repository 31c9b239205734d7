using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Session slots (and so a root engine's session uids, which code in the sandbox can see) are drawn at random, and a
/// slot just freed is not handed out again while it is in quarantine.
/// </summary>
public sealed class SlotAllocatorTests
{
    private readonly SlotAllocator _slots;

    public SlotAllocatorTests()
    {
        StateRoot root = StateRoot.Resolve();
        _slots = new SlotAllocator(root, "slot-allocator-tests", UidPolicy.For(root));
    }

    [Fact]
    public void A_freed_slot_is_not_handed_out_again_while_in_quarantine()
    {
        int freed = _slots.Allocate();
        _slots.Release(freed);

        for (int i = 0; i < 64; i++)
        {
            int next = _slots.Allocate();
            _slots.Release(next);
            Assert.NotEqual(freed, next);
        }
    }

    [Fact]
    public void Slots_in_use_together_do_not_count_up()
    {
        var held = new List<int>();
        try
        {
            for (int i = 0; i < 16; i++)
                held.Add(_slots.Allocate());
            Assert.Equal(held.Count, held.Distinct().Count());
            // Handed out in order, each would be one more than the last (give or take slots other engines hold).
            int steps = held.Zip(held.Skip(1), (a, b) => b - a).Count(step => step is > 0 and <= 4);
            Assert.True(steps < held.Count / 2, $"slots came nearly in order: {string.Join(", ", held)}");
        }
        finally
        {
            held.ForEach(_slots.Release);
        }
    }
}
