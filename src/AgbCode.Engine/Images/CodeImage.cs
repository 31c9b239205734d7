using AgbCode.Core.Languages;

namespace AgbCode.Engine.Images;

/// <summary>
/// A code image: the host's Debian packages (the read-only /usr every sandbox sees) plus, when the operator made one, the
/// image's extra library folder, mounted read-only at <see cref="Mount"/> with one sub-folder per language.
/// </summary>
internal sealed record CodeImage(string Name, string? Folder)
{
    /// <summary>Where the extra folder appears in each sandbox of the image.</summary>
    public const string Mount = "/opt/agbcode-image";

    /// <summary>Each language's library inside the extra folder, as an operator lays it out (docs/image.md).</summary>
    public static readonly IReadOnlyDictionary<string, string> Libraries = new Dictionary<string, string>
    {
        [LanguageRules.Python] = "python",
        [LanguageRules.R] = "r",
        [LanguageRules.JavaScript] = "javascript/node_modules",
        [LanguageRules.Java] = "java",
    };

    public string? Library(string language) => Folder is null ? null : Path.Combine(Folder, Libraries[language]);

    /// <summary>The variables that point Python, R and Node at the extra folder, as seen at <paramref name="root"/>.</summary>
    public IReadOnlyDictionary<string, string> Environment(string root) => Folder is null
        ? new Dictionary<string, string>()
        : new Dictionary<string, string>
        {
            ["PYTHONPATH"] = Path.Combine(root, Libraries[LanguageRules.Python]),
            ["R_LIBS"] = Path.Combine(root, Libraries[LanguageRules.R]),   // before the site libraries, which stay Debian's
            ["NODE_PATH"] = Path.Combine(root, Libraries[LanguageRules.JavaScript]),
        };

    /// <summary>The jars Java adds to its class path (a class-path wildcard), as seen at <paramref name="root"/>.</summary>
    public static string JavaClassPath(string root) => Path.Combine(root, Libraries[LanguageRules.Java], "*");
}
