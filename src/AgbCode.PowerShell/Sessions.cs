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

    /// <summary>The session with this id, else the one session with this name; a name several sessions share is refused.</summary>
    public static AgbSession? FindByIdOrName(string idOrName, CancellationToken cancellationToken)
    {
        List<AgbSession> all = [.. All(cancellationToken)];
        if (all.FirstOrDefault(s => string.Equals(s.Id, idOrName, StringComparison.OrdinalIgnoreCase)) is { } byId)
            return byId;
        List<AgbSession> named = [.. all.Where(s => string.Equals(s.Name, idOrName, StringComparison.OrdinalIgnoreCase))];
        return named.Count <= 1 ? named.FirstOrDefault() : throw new AgbException(AgbErrorKind.BadInput, "AgbSessionNameAmbiguous",
            $"{named.Count} sessions are named '{idOrName}': {string.Join(", ", named.Select(s => s.Id))}.", "Pass the id of the one you mean.");
    }

    public static AgbException NotFound(string idOrName) => new(AgbErrorKind.NotFound, "AgbSessionNotFound",
        $"There is no session with id or name '{idOrName}'.", "List the sessions with Get-AgbSession.");
}
