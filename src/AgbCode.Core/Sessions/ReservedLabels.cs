using AgbCode.Core.Errors;


namespace AgbCode.Core.Sessions;

/// <summary>
/// Label keys the module keeps for itself: a remote session carries its name, creation time and image as labels under
/// this prefix, so another process listing the endpoint sees them. Users' labels may not use the prefix.
/// </summary>
public static class ReservedLabels
{
    public const string Prefix = "agbcode.";
    public const string Name = Prefix + "name";
    public const string Created = Prefix + "created";
    public const string Image = Prefix + "image";

    public static bool IsReserved(string key) => key.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Refuses user labels that use the reserved prefix, naming them.</summary>
    public static void CheckUserLabels(IReadOnlyDictionary<string, string> labels)
    {
        string[] reserved = [.. labels.Keys.Where(IsReserved)];
        if (reserved.Length > 0)
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.ReservedLabel,
                $"The label {string.Join(", ", reserved.Select(k => $"'{k}'"))} uses the prefix '{Prefix}', which AgbCode keeps for the " +
                "session's own name, creation time and image.",
                $"Rename the label so that it does not start with '{Prefix}' (the session's -Name is kept there already).");
    }
}
