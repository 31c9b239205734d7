using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Model;
using AgbCode.PowerShell.Output;
using AgbCode.PowerShell.Values;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Runs code or files in a sandbox: output shows live, the typed result goes down the pipeline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AgbCode", DefaultParameterSetName = CodeSet)]
[OutputType(typeof(EnhancedCodeExecutionResult), typeof(AgbOutputChunk))]
public sealed class InvokeAgbCodeCommand : AgbBackendCmdlet
{
    private const string CodeSet = "Code";
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = CodeSet)]
    [AllowEmptyString]
    public string Code { get; set; } = "";

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter(Mandatory = true, Position = 1, ParameterSetName = CodeSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(LanguageCompleter))]
    [ValidateNotNullOrEmpty]
    public string Language { get; set; } = "";

    [Parameter(ValueFromPipeline = true)]
    [SessionTransformation]
    public AgbSession? Session { get; set; }

    [Parameter]
    public double TimeoutSec { get; set; } = RunRequest.DefaultTimeoutSec;

    [Parameter]
    public SwitchParameter Stream { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    [Parameter]
    public SwitchParameter Quiet { get; set; }

    [Parameter]
    [ValidateNotNull]
    public IDictionary? Variable { get; set; }

    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [Alias("Args")]
    [AllowEmptyString]
    [ValidateNotNull]
    public string[] ArgumentList { get; set; } = [];

    private IReadOnlyDictionary<string, JsonElement>? _variables;

    protected override void ProcessRecord()
    {
        try
        {
            _variables ??= Variable is null ? new Dictionary<string, JsonElement>() : new PowerShellJson(ValueSettings.Current()).Convert(Variable);
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Variable));
            return;
        }
        foreach (var (code, language, source) in Inputs())
        {
            RunRequest request;
            try
            {
                request = new RunRequest(code, language ?? throw CannotInferLanguage(source), TimeoutSec)
                {
                    Variables = _variables,
                    Arguments = ArgumentList,
                    SourcePath = ParameterSetName == CodeSet ? null : source,
                    VariableLimits = ValueSettings.Current(),
                }.Validated();
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, source));
                continue;
            }
            try
            {
                RunIn(Session, request, source);
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, source));
            }
        }
    }

    private void RunIn(AgbSession? given, RunRequest request, string source)
    {
        var pump = new RunPump(this, new OutputMode(Quiet, Stream, PassThru), StopToken);
        if (given is not null)
        {
            pump.Run(given, request, source);
            return;
        }
        AgbSession session = NewSession(Backend(), new SessionOptions());
        try
        {
            pump.Run(session, request, source);
        }
        finally
        {
            session.Space.DeleteSessionAsync(session.Id, CancellationToken.None).GetAwaiter().GetResult();
            if (!StopToken.IsCancellationRequested)
                WriteVerbose($"Removed session {session.Id}.");
        }
    }

    /// <summary>What to run: the code, or each file the paths name, with the language to run it in.</summary>
    private IEnumerable<(string Code, string? Language, string Source)> Inputs()
    {
        string? explicitLanguage = MyInvocation.BoundParameters.ContainsKey(nameof(Language)) ? Language : null;
        if (ParameterSetName == CodeSet)
        {
            yield return (Code, Language, "code");
            yield break;
        }
        foreach (string file in Files())
        {
            string code;
            try
            {
                code = File.ReadAllText(file);
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(failure, "AgbPathUnreadable", ErrorCategory.ReadError, file));
                continue;
            }
            yield return (code, explicitLanguage ?? LanguageRules.FromPath(file), file);
        }
    }

    private IEnumerable<string> Files()
    {
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (string path in literal ? LiteralPath : Path)
        {
            List<string> resolved = [];
            try
            {
                ProviderInfo provider;
                if (literal)
                    resolved.Add(SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _));
                else
                    resolved.AddRange(GetResolvedProviderPathFromPSPath(path, out provider));
                if (provider.Name != "FileSystem")
                {
                    WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, "AgbPathNotFileSystem",
                        $"'{path}' is not a file-system path (provider {provider.Name}).", "Pass the path of a file on disk."), path));
                    continue;
                }
            }
            catch (Exception failure) when (failure is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException)
            {
                WriteError(ToErrorRecord(NotFound(path), path));
                continue;
            }
            foreach (string file in resolved)
            {
                if (File.Exists(file))
                    yield return file;
                else
                    WriteError(ToErrorRecord(Directory.Exists(file)
                        ? new AgbException(AgbErrorKind.BadInput, "AgbPathNotFile", $"'{file}' is a folder, not a file.", "Pass the files in it, e.g. -Path folder/*.py.")
                        : NotFound(file), file));
            }
        }
    }

    private static AgbException NotFound(string path) => new(AgbErrorKind.NotFound, "AgbPathNotFound",
        $"Cannot find the file '{path}'.", "Check the path; -Path is relative to the current location.");

    private static AgbException CannotInferLanguage(string file) => new(AgbErrorKind.BadInput, "AgbLanguageUnknown",
        $"Cannot tell the language of '{file}' from its extension.",
        $"Pass -Language ({LanguageRules.SupportedList}), or name the file with one of: {string.Join(" ", LanguageRules.All.SelectMany(l => l.Extensions))}.");
}
