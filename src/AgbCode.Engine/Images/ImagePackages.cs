using System.Text.Json;
using AgbCode.Core.Images;
using AgbCode.Core.Languages;

namespace AgbCode.Engine.Images;

/// <summary>
/// What an image offers each language, read from the packages' own metadata: Python distributions (dist-info METADATA,
/// egg-info PKG-INFO), R packages (DESCRIPTION), Node modules (package.json) and Java jars (their file names). Debian's
/// come from the host's /usr, the rest from the image's extra folder. Java sees no Debian jars (the JDK only) and Node
/// no Debian modules (Node's own search path does not include them), so those come from the extra folder alone.
/// </summary>
internal static class ImagePackages
{
    private const string DebianPython = "/usr/lib/python3/dist-packages";
    private static readonly string[] DebianR = ["/usr/lib/R/library", "/usr/lib/R/site-library"];
    private const int MaxMetadataLines = 64;

    private static readonly Lazy<IReadOnlyList<(string Language, string Name, string Version)>> Debian = new(() =>
        [.. Python(DebianPython).Concat(DebianR.SelectMany(R))]);

    public static IReadOnlyList<ImagePackage> Of(CodeImage image)
    {
        IEnumerable<(string Language, string Name, string Version)> extra = image.Folder is null ? [] :
            Python(image.Library(LanguageRules.Python)!)
                .Concat(R(image.Library(LanguageRules.R)!))
                .Concat(Node(image.Library(LanguageRules.JavaScript)!))
                .Concat(Java(image.Library(LanguageRules.Java)!));
        return
        [
            .. Debian.Value.Select(p => new ImagePackage(image.Name, p.Language, p.Name, p.Version, ImagePackage.Debian))
                .Concat(extra.Select(p => new ImagePackage(image.Name, p.Language, p.Name, p.Version, ImagePackage.Extra)))
                .OrderBy(p => p.Language, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.OrdinalIgnoreCase),
        ];
    }

    private static IEnumerable<(string, string, string)> Python(string folder)
    {
        foreach (string entry in Entries(folder, "*.*-info"))
        {
            string metadata = entry.EndsWith(".dist-info", StringComparison.Ordinal) ? Path.Combine(entry, "METADATA")
                : Directory.Exists(entry) ? Path.Combine(entry, "PKG-INFO") : entry;
            if (Fields(metadata, "Name", "Version") is [string name, string version])
                yield return (LanguageRules.Python, name, version);
        }
    }

    private static IEnumerable<(string, string, string)> R(string folder)
    {
        foreach (string package in Entries(folder, "*"))
        {
            if (Fields(Path.Combine(package, "DESCRIPTION"), "Package", "Version") is [string name, string version])
                yield return (LanguageRules.R, name, version);
        }
    }

    private static IEnumerable<(string, string, string)> Node(string folder)
    {
        IEnumerable<string> modules = Entries(folder, "*").SelectMany(m => Path.GetFileName(m).StartsWith('@') ? Entries(m, "*") : [m]);
        foreach (string module in modules)
        {
            string manifest = Path.Combine(module, "package.json");
            if (!File.Exists(manifest) || new FileInfo(manifest).Length > 1024 * 1024)
                continue;
            string? name = null, version = null;
            try
            {
                using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(manifest));
                if (json.RootElement.ValueKind == JsonValueKind.Object)
                {
                    name = json.RootElement.TryGetProperty("name", out JsonElement n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                    version = json.RootElement.TryGetProperty("version", out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                }
            }
            catch (JsonException) { }
            if (name is not null && version is not null)
                yield return (LanguageRules.JavaScript, name, version);
        }
    }

    // Jars are named name-version.jar by Maven and Debian alike; a jar without a version says so.
    private static IEnumerable<(string, string, string)> Java(string folder)
    {
        foreach (string jar in Entries(folder, "*.jar"))
        {
            string file = Path.GetFileNameWithoutExtension(jar);
            int split = Enumerable.Range(1, Math.Max(0, file.Length - 2)).FirstOrDefault(i => file[i] == '-' && char.IsAsciiDigit(file[i + 1]));
            yield return split > 0 ? (LanguageRules.Java, file[..split], file[(split + 1)..]) : (LanguageRules.Java, file, "");
        }
    }

    private static IEnumerable<string> Entries(string folder, string pattern) =>
        Directory.Exists(folder) ? Directory.EnumerateFileSystemEntries(folder, pattern).Order(StringComparer.Ordinal) : [];

    /// <summary>The values of RFC 822-style header fields (METADATA, PKG-INFO, DESCRIPTION), in the order asked; null when one is missing.</summary>
    private static string[]? Fields(string file, params string[] names)
    {
        if (!File.Exists(file))
            return null;
        var found = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string line in File.ReadLines(file).Take(MaxMetadataLines))
        {
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && !char.IsWhiteSpace(line[0]))
                found.TryAdd(line[..colon], line[(colon + 1)..].Trim());
        }
        return names.All(found.ContainsKey) ? [.. names.Select(n => found[n])] : null;
    }
}
