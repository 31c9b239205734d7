namespace AgbCode.Server.Cluster;

/// <summary>
/// A session as ListSession orders it across instances: by creation time, then id (which names the instance), a total
/// order over keys that never change, so a nextToken holding the last key neither skips nor repeats a session.
/// </summary>
public sealed record ListedSession(long CreatedTicks, string Id) : IComparable<ListedSession>
{
    public int CompareTo(ListedSession? other)
    {
        if (other is null)
            return 1;
        int byTime = CreatedTicks.CompareTo(other.CreatedTicks);
        return byTime != 0 ? byTime : string.CompareOrdinal(Id, other.Id);
    }
}
