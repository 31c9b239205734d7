using System.Text.Encodings.Web;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Core.Values;

/// <summary>
/// The code that defines a run's variables, arguments and script name in its language, run before the run's own code
/// (silently by the engine, as a run of its own by the AGB client). Python, JavaScript and R parse the JSON with their
/// own parser; Java gets typed literals. Docs: docs/protocol.md, "Values in".
/// </summary>
public static class RunDefinitions
{
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The definitions for a validated request, or null when it has none.</summary>
    public static string? For(RunRequest request)
    {
        bool hasScript = request.SourcePath is not null || request.Arguments.Count > 0;
        if (request.Variables.Count == 0 && !hasScript)
            return null;
        var lines = new List<string>();
        if (request.Language == LanguageRules.Java && request.Variables.Count > 0)
            lines.Add(JavaLiterals.MapMakerDeclaration);
        foreach (var (name, value) in request.Variables)
            lines.Add(Variable(request.Language, name, value));
        if (hasScript)
            lines.AddRange(Script(request.Language, ScriptName(request), request.Arguments));
        return string.Join("\n", lines) + "\n";
    }

    /// <summary>
    /// The error of a run whose definitions failed (its code did not run): a timeout, cancel or dead kernel keeps its
    /// name; anything else is a VariableError.
    /// </summary>
    public static Results.ExecutionError FailureOf(Results.ExecutionError error) => new()
    {
        Name = error.Name is RunErrorNames.Timeout or RunErrorNames.Cancelled or RunErrorNames.KernelDied or RunErrorNames.OutOfMemory ? error.Name : RunErrorNames.Variable,
        Value = $"Defining the run's variables and arguments failed, so its code did not run: {error.Name}: {error.Value}",
    };

    /// <summary>The name a script sees as its own (argv[0], __file__): the file's name without its host folder.</summary>
    public static string ScriptName(RunRequest request) =>
        request.SourcePath is { } path ? Path.GetFileName(path) : DefaultScriptName(request.Language);

    private static string DefaultScriptName(string language) => language switch
    {
        LanguageRules.Python => "-c",
        LanguageRules.JavaScript => "[eval]",
        _ => "",
    };

    private static string Json(JsonElement value) => StringLiterals.Quote(JsonSerializer.Serialize(value, Compact));

    private static string Variable(string language, string name, JsonElement value) => language switch
    {
        LanguageRules.Python => $"{name} = __import__(\"json\").loads({Json(value)})",
        LanguageRules.JavaScript => $"let {name} = JSON.parse({Json(value)});",
        LanguageRules.R => $"{name} <- jsonlite::fromJSON({Json(value)}, simplifyVector = TRUE, simplifyDataFrame = TRUE, simplifyMatrix = FALSE)",
        LanguageRules.Java => JavaLiterals.Declaration(name, value),
        _ => throw LanguageRules.UnsupportedLanguage(language),
    };

    private static IEnumerable<string> Script(string language, string scriptName, IReadOnlyList<string> arguments)
    {
        string Quoted(IEnumerable<string> values) => string.Join(", ", values.Select(v => StringLiterals.Quote(v)));
        string name = StringLiterals.Quote(scriptName);
        switch (language)
        {
            case LanguageRules.Python:
                yield return $"__import__(\"sys\").argv = [{Quoted([scriptName, .. arguments])}]";
                yield return $"__file__ = {name}";
                break;
            case LanguageRules.JavaScript:
                yield return $"process.argv = [process.argv[0], {Quoted([scriptName, .. arguments])}];";
                yield return $"__filename = {name};";
                break;
            case LanguageRules.R:
                // What Rscript users read: commandArgs(trailingOnly = TRUE) and the --file= entry of commandArgs().
                string trailing = arguments.Count == 0 ? "character(0)" : $"c({Quoted(arguments)})";
                yield return $"commandArgs <- function(trailingOnly = FALSE) if (trailingOnly) {trailing} else " +
                             $"c({Quoted(["R", "--no-echo", "--no-restore", "--file=" + scriptName, .. arguments.Count == 0 ? Array.Empty<string>() : ["--args", .. arguments]])})";
                break;
            case LanguageRules.Java:
                yield return JavaLiterals.StringArray("args", arguments);
                break;
        }
    }
}
