using System.Management.Automation;
using AgbCode.Client;
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
    /// <summary>
    /// Every backend's sessions. An endpoint this process once opened that cannot be listed now (unreachable, key refused)
    /// goes to <paramref name="unlisted"/> and the others are still listed: one bad -Endpoint must not break every lookup.
    /// The endpoint $env:AGB_ENDPOINT names and <paramref name="named"/> (one the user named now) are listed too, used
    /// before or not.
    /// </summary>
    public static IEnumerable<AgbSession> All(CancellationToken cancellationToken, Action<AgbException>? unlisted = null, ICodeSpace? named = null)
    {
        List<ICodeSpace> spaces = [.. Backends.InUse];
        try
        {
            // $env:AGB_ENDPOINT is the user's own default: its sessions are theirs to find, from any process.
            if (AgbCloudSpace.Open(null, null) is { } configured && !spaces.Contains(configured))
                spaces.Add(configured);
        }
        catch (AgbException failure)
        {
            unlisted?.Invoke(failure);
        }
        if (named is not null && !spaces.Contains(named))
            spaces.Add(named);
        foreach (ICodeSpace space in spaces)
        {
            IReadOnlyList<ICodeSession> sessions;
            try
            {
                sessions = space.ListSessionsAsync(cancellationToken).GetAwaiter().GetResult();
            }
            catch (AgbException failure)
            {
                unlisted?.Invoke(failure);
                continue;
            }
            foreach (ICodeSession session in sessions)
                yield return new AgbSession(session, space);
        }
    }

    public static AgbSession? Find(string id, CancellationToken cancellationToken) =>
        All(cancellationToken).FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The sessions a -Session argument stands for: the session itself, or the one its id, else its name, names. Where the
    /// cmdlet takes <paramref name="several"/>, a name names every session that has it, and a wildcard pattern matches ids
    /// and names (matching nothing is no error, as with Get-Process); otherwise a name that several sessions share is refused.
    /// </summary>
    public static IReadOnlyList<AgbSession> Resolve(AgbSession given, bool several, CancellationToken cancellationToken)
    {
        if (given.Reference is not string reference)
            return [given];
        List<AgbSession> all = [.. All(cancellationToken)];
        if (several && WildcardPattern.ContainsWildcardCharacters(reference))
        {
            var pattern = WildcardPattern.Get(reference, WildcardOptions.IgnoreCase);
            return [.. all.Where(s => pattern.IsMatch(s.Id) || pattern.IsMatch(s.Name ?? ""))];
        }
        if (all.FirstOrDefault(s => string.Equals(s.Id, reference, StringComparison.OrdinalIgnoreCase)) is { } byId)
            return [byId];
        List<AgbSession> named = [.. all.Where(s => string.Equals(s.Name, reference, StringComparison.OrdinalIgnoreCase))];
        if (named.Count == 0)
            throw NotFound(reference);
        return named.Count == 1 || several ? named : throw new AgbException(AgbErrorKind.BadInput, SessionErrors.SessionNameAmbiguous,
            $"{named.Count} sessions are named '{reference}': {string.Join(", ", named.Select(s => s.Id))}.", "Pass the id of the one you mean.");
    }

    public static AgbException NotFound(string idOrName) => new(AgbErrorKind.NotFound, SessionErrors.SessionNotFound,
        $"There is no session with id or name '{idOrName}'.", "List the sessions with Get-AgbSession.");
}
