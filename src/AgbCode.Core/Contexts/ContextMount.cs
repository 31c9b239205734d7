using AgbCode.Core.Errors;

namespace AgbCode.Core.Contexts;

/// <summary>
/// A context mounted into a new session: <paramref name="Context"/> (its name or id) at the absolute sandbox path
/// <paramref name="Path"/>, read-write, as the session's uid. Its files persist after the session is gone.
/// </summary>
public sealed record ContextMount(string Context, string Path)
{
    /// <summary>Where a context is mounted when the user gives no path: <c>/contexts/&lt;name&gt;</c>.</summary>
    public const string DefaultParent = "/contexts";

    /// <summary>Reads the PowerShell form <c>name</c> or <c>name:/absolute/path</c>.</summary>
    public static ContextMount Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string name = colon < 0 ? text : text[..colon];
        ContextNames.Check(name);
        string path = colon < 0 ? $"{DefaultParent}/{name}" : text[(colon + 1)..];
        return new ContextMount(name, CheckPath(path));
    }

    /// <summary>
    /// A mount path must be absolute, normalised (no "." or ".." parts, no doubled or trailing "/"), and not a system
    /// folder of the sandbox or the root; anything else is AgbBadContextPath.
    /// </summary>
    public static string CheckPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string[] parts = path.Split('/');
        bool normal = path.StartsWith('/') && path.Length > 1 && parts.Skip(1).All(p => p.Length > 0 && p != "." && p != "..")
            && !path.Any(char.IsControl);
        if (!normal || ReservedRoots.Contains(parts[1]))
            throw new AgbException(AgbErrorKind.BadInput, ContextErrors.BadPathId,
                $"'{InertPath(path)}' cannot hold a context: a context mounts at an absolute, normalised path outside the sandbox's system folders ({string.Join(", ", ReservedRoots.Order().Select(r => "/" + r))}).",
                $"Give a path such as {DefaultParent}/data or /home/user/data, or leave the path out for {DefaultParent}/<name>.");
        return path;
    }

    private static readonly HashSet<string> ReservedRoots = new(StringComparer.Ordinal)
    { "bin", "dev", "etc", "lib", "lib32", "lib64", "libx32", "opt", "proc", "run", "sbin", "sys", "usr", "var" };

    private static string InertPath(string path) => Display.InertText.OneLine(path, 200);
}
