using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell;

/// <summary>
/// The sessions this process knows, across backends. They are process-wide, so every runspace (Start-ThreadJob,
/// ForEach-Object -Parallel) sees the same ones.
/// </summary>
internal static class Sessions
{
    public static IEnumerable<AgbSession> All(CancellationToken cancellationToken)
    {
        foreach (ICodeSpace space in Backends.InUse.ToList())
            foreach (ICodeSession session in space.ListSessionsAsync(cancellationToken).GetAwaiter().GetResult())
                yield return new AgbSession(session, space);
    }

    public static AgbSession? Find(string id, CancellationToken cancellationToken) =>
        All(cancellationToken).FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>The session with this id or, failing that, the one session with this name.</summary>
    public static AgbSession? FindByIdOrName(string idOrName, CancellationToken cancellationToken)
    {
        List<AgbSession> all = [.. All(cancellationToken)];
        var named = all.Where(s => string.Equals(s.Name, idOrName, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
        return all.FirstOrDefault(s => string.Equals(s.Id, idOrName, StringComparison.OrdinalIgnoreCase)) ?? (named.Count == 1 ? named[0] : null);
    }

    public static AgbException NotFound(string id) => new(AgbErrorKind.NotFound, "AgbSessionNotFound",
        $"There is no session with id '{id}'.", "List the sessions with Get-AgbSession.");
}
