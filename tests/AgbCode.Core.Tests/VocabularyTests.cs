using System.Reflection;
using System.Text.RegularExpressions;
using AgbCode.Core.Errors;
using Xunit;

namespace AgbCode.Core.Tests;

/// <summary>
/// Every public error id ("Agb…") and every run error name is declared once, in Core (a *Errors.cs file, and
/// RunErrorNames.cs for the run names); the rest of src/ uses the constants, so no project matches another's id by a
/// string of its own.
/// </summary>
public sealed partial class VocabularyTests
{
    [Fact]
    public void No_error_id_literal_outside_Core_declarations()
    {
        string[] offenders = [.. Literals(AgbId(), IsIdDeclaration)];
        Assert.True(offenders.Length == 0, "Declare these ids in a Core *Errors.cs class and use the constant:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void No_run_error_name_literal_outside_RunErrorNames()
    {
        HashSet<string> names = [.. typeof(RunErrorNames).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!)];
        Assert.Contains("TimeoutError", names);
        var literal = new Regex("\"(" + string.Join("|", names) + ")\"");
        string[] offenders = [.. Literals(literal, path => path == "src/AgbCode.Core/Errors/RunErrorNames.cs")];
        Assert.True(offenders.Length == 0, "Use RunErrorNames instead of these literals:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Each_id_is_declared_once()
    {
        var declarations = Directory.EnumerateFiles(Path.Combine(Root, "src", "AgbCode.Core"), "*.cs", SearchOption.AllDirectories)
            .Where(path => IsIdDeclaration(Relative(path)))
            .SelectMany(path => AgbId().Matches(File.ReadAllText(path)).Select(m => (Id: m.Value, File: Relative(path))))
            .GroupBy(d => d.Id)
            .Where(group => group.Count() > 1)
            .Select(group => $"{group.Key}: {string.Join(", ", group.Select(d => d.File))}")
            .ToArray();
        Assert.True(declarations.Length == 0, "Declared more than once:\n" + string.Join("\n", declarations));
    }

    [Fact]
    public void The_scan_sees_a_literal_when_there_is_one()
    {
        Assert.Matches(AgbId(), "throw new AgbException(kind, \"AgbSessionClosed\", message);");
        Assert.False(IsIdDeclaration("src/AgbCode.Server/Tools/RunCodeTool.cs"));
        Assert.True(IsIdDeclaration("src/AgbCode.Core/Errors/SessionErrors.cs"));
    }

    private static bool IsIdDeclaration(string path) =>
        path.StartsWith("src/AgbCode.Core/", StringComparison.Ordinal) && path.EndsWith("Errors.cs", StringComparison.Ordinal);

    /// <summary>"file:line: literal" for each literal outside the allowed files, comments and cmdlet attributes.</summary>
    private static IEnumerable<string> Literals(Regex literal, Func<string, bool> declares) =>
        from path in Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
        let relative = Relative(path)
        where !relative.Contains("/obj/", StringComparison.Ordinal) && !relative.Contains("/bin/", StringComparison.Ordinal)
              && !declares(relative)
        from line in File.ReadLines(path).Select((text, index) => (Text: text.Trim(), Number: index + 1))
        where !line.Text.StartsWith("//", StringComparison.Ordinal) && !line.Text.StartsWith("[Cmdlet(", StringComparison.Ordinal)
        from Match match in literal.Matches(line.Text)
        select $"{relative}:{line.Number}: {match.Value}";

    private static string Relative(string path) => Path.GetRelativePath(Root, path).Replace('\\', '/');

    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
            if (File.Exists(Path.Combine(folder.FullName, "AgbCode.sln")))
                return folder.FullName;
        throw new InvalidOperationException($"No AgbCode.sln above {AppContext.BaseDirectory}.");
    }

    [GeneratedRegex("\"Agb[A-Z]\\w+\"")]
    private static partial Regex AgbId();
}
