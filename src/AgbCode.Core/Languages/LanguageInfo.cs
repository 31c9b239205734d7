namespace AgbCode.Core.Languages;

/// <summary>A supported language: its canonical name, the aliases users may type and the file extensions that imply it.</summary>
public sealed record LanguageInfo(string Name, string DisplayName, IReadOnlyList<string> Aliases, IReadOnlyList<string> Extensions)
{
    public override string ToString() => Name;
}
