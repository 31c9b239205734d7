using AgbCode.Core.Errors;
using AgbCode.Core.Languages;

namespace AgbCode.Core.Tests;

public class LanguageRulesTests
{
    [Theory]
    [InlineData("python", "python")]
    [InlineData("  PyThOn ", "python")]
    [InlineData("py", "python")]
    [InlineData("python3", "python")]
    [InlineData("js", "javascript")]
    [InlineData("node", "javascript")]
    [InlineData("NodeJS", "javascript")]
    [InlineData("JAVA", "java")]
    [InlineData("R", "r")]
    public void Normalizes_names_aliases_and_case(string raw, string expected) =>
        Assert.Equal(expected, LanguageRules.Normalize(raw));

    [Theory]
    [InlineData("ruby")]
    [InlineData(" Bash ")]
    [InlineData("")]
    public void Rejects_unknown_languages_with_the_AGB_wording_and_the_raw_input(string raw)
    {
        var failure = Assert.Throws<AgbException>(() => LanguageRules.Normalize(raw));
        Assert.Equal($"Unsupported language: {raw}. Supported languages are java, javascript, python, r", failure.Message);
        Assert.Equal(AgbErrorKind.BadInput, failure.Kind);
        Assert.Equal("AgbUnsupportedLanguage", failure.ErrorId);
    }

    [Theory]
    [InlineData("a/b/script.py", "python")]
    [InlineData("x.js", "javascript")]
    [InlineData("x.mjs", "javascript")]
    [InlineData("x.cjs", "javascript")]
    [InlineData("Main.java", "java")]
    [InlineData("snippets.jsh", "java")]
    [InlineData("analysis.R", "r")]
    [InlineData("analysis.r", "r")]
    [InlineData("notes.txt", null)]
    [InlineData("Makefile", null)]
    public void Infers_the_language_from_the_extension(string path, string? expected) =>
        Assert.Equal(expected, LanguageRules.FromPath(path));
}
