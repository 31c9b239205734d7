using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;
using AgbCode.Core.Values;

namespace AgbCode.Core.Tests;

/// <summary>The definitions code each language gets for a run's variables and arguments (the kernels run it in the engine tests).</summary>
public class RunDefinitionsTests
{
    private static RunRequest Request(string language, string json) => new RunRequest("1", language)
    {
        Variables = JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()),
    }.Validated();

    [Fact]
    public void A_run_without_variables_or_arguments_has_no_definitions() =>
        Assert.Null(RunDefinitions.For(new RunRequest("1", "python").Validated()));

    [Fact]
    public void Java_control_characters_are_octal_because_javac_reads_unicode_escapes_first()
    {
        string code = RunDefinitions.For(Request("java", """{"s": "a\nb\u0001c\\u000a"}"""))!;

        Assert.EndsWith("\nString s = \"a\\nb\\001c\\\\u000a\";\n", code);
    }

    [Fact]
    public void Java_long_strings_are_appended_in_pieces_without_splitting_a_character()
    {
        string text = new string('a', 8191) + "😀" + new string('b', 9000);
        string code = RunDefinitions.For(Request("java", JsonSerializer.Serialize(new { s = text })))!;

        Assert.Contains("\nString s = new StringBuilder(", code);
        Assert.Contains("a😀", code);
        Assert.DoesNotContain('\uFFFD', code);
    }

    [Fact]
    public void Java_refuses_a_variable_with_more_items_than_one_declaration_compiles()
    {
        AgbException refused = Assert.Throws<AgbException>(() =>
            RunDefinitions.For(Request("java", JsonSerializer.Serialize(new { big = Enumerable.Range(0, 5000) }))));

        Assert.Equal("AgbVariableTooLarge", refused.ErrorId);
    }

    [Theory]
    [InlineData("python", "s = __import__(\"json\").loads(", ")\n")]
    [InlineData("javascript", "let s = JSON.parse(", ");\n")]
    [InlineData("r", "s <- jsonlite::fromJSON(", ", simplifyVector")]
    public void The_JSON_is_one_string_literal_that_no_value_can_end(string language, string before, string after)
    {
        const string value = "\"); import os #\n'\\ é";
        string code = RunDefinitions.For(Request(language, JsonSerializer.Serialize(new { s = value })))!;

        Assert.StartsWith(before, code);
        string literal = code[before.Length..code.IndexOf(after, before.Length, StringComparison.Ordinal)];
        string json = JsonSerializer.Deserialize<string>(literal)!;   // the literal's escapes are a subset of JSON's
        Assert.Equal(value, JsonSerializer.Deserialize<string>(json));
    }

    [Fact]
    public void A_script_run_defines_its_name_without_the_host_folder()
    {
        string code = RunDefinitions.For(new RunRequest("1", "r") { Arguments = ["a b"], SourcePath = "/home/admin/report/x.R" }.Validated())!;

        Assert.Contains("\"--file=x.R\", \"--args\", \"a b\"", code);
        Assert.DoesNotContain("/home/admin", code);
    }

    [Theory]
    [InlineData("A=B", "x")]
    [InlineData("1X", "x")]
    [InlineData("X", "a\0b")]
    public void An_environment_variable_a_kernel_cannot_hold_is_refused(string name, string value)
    {
        AgbException refused = Assert.Throws<AgbException>(() => SessionEnvironment.Check(new Dictionary<string, string> { [name] = value }));

        Assert.Equal("AgbInvalidEnvironment", refused.ErrorId);
    }
}
