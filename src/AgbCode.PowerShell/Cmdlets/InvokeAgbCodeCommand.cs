using System.Collections;
using System.Management.Automation;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Model;
using AgbCode.PowerShell.Output;
using AgbCode.PowerShell.Values;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Runs code or files in a sandbox: output shows live, the typed result goes down the pipeline.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "AgbCode", DefaultParameterSetName = CodeSet)]
[OutputType(typeof(EnhancedCodeExecutionResult), typeof(string))]
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

    [Parameter(Position = 1, ParameterSetName = CodeSet)]
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(LanguageCompleter))]
    [ValidateNotNullOrEmpty]
    public string Language { get; set; } = "";

    [Parameter(ValueFromPipeline = true)]
    [SessionTransformation]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
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

    /// <summary>
    /// The run's arguments, as the language gives a program its command line: a file's (sys.argv[1:] after the file's
    /// name), and inline code's as python3 -c CODE ARGS, node -e, Rscript -e and jshell do.
    /// </summary>
    [Parameter]
    [Alias("Args")]
    [AllowEmptyString]
    [ValidateNotNull]
    public string[] ArgumentList { get; set; } = [];

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] InputPath { get; set; } = [];

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? OutputPath { get; set; }

    /// <summary>Contexts the run's own session mounts (NAME or NAME:/absolute/path), as New-AgbSession -Context.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string[] Context { get; set; } = [];

    private IReadOnlyList<Core.Contexts.ContextMount> _contexts = [];

    private IReadOnlyDictionary<string, JsonElement>? _variables;
    private RunFiles? _runFiles;
    /// <summary>The -InputPath items, as full paths.</summary>
    private List<string> _inputs = [];

    protected override void BeginProcessing()
    {
        try
        {
            _contexts = [.. Context.Select(Core.Contexts.ContextMount.Parse)];
        }
        catch (AgbException failure)
        {
            ThrowTerminatingError(ToErrorRecord(failure, Context));
        }
        if (InputPath.Length == 0 && OutputPath is null)
            return;
        bool failed = false;
        _inputs = [.. LocalPaths.Resolve(this, InputPath, literal: false, failure => { failed = true; WriteError(failure); })];
        if (failed)   // a run without one of its inputs would fail confusingly, or worse, half-succeed
            ThrowTerminatingError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.InputPathNotFound,
                "Not every -InputPath names an existing file or folder; nothing was run.", "Fix the paths above, relative to the current location."), InputPath));
        string? output = OutputPath is null ? null : GetUnresolvedProviderPathFromPSPath(OutputPath);
        if (output is not null)
            MakeOutputFolder(output);
        _runFiles = new RunFiles(this, _inputs, output, PassThru, StopToken);
    }

    /// <summary>The output folder is made before anything runs: a run whose outputs had nowhere to go would lose them.</summary>
    private void MakeOutputFolder(string folder)
    {
        try
        {
            LocalFolder.Make(folder);
        }
        catch (AgbException failure)
        {
            ThrowTerminatingError(ToErrorRecord(new AgbException(failure.Kind, failure.ErrorId, $"-OutputPath: {failure.Message} Nothing was run.", failure.Fix), OutputPath));
        }
    }

    protected override void ProcessRecord()
    {
        AgbSession? session = null;
        if (Session is not null)
        {
            if (_contexts.Count > 0)
            {
                WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, Core.Contexts.ContextErrors.NeedsNewSessionId,
                    "-Context mounts contexts into the run's own session; a session that exists keeps the contexts it was made with.",
                    "Leave -Session out, or make the session with New-AgbSession -Context."), Context));
                return;
            }
            if (Resolve(Session) is not [var named])
                return;   // it names no session: an error, never a fresh session instead
            session = named;
        }
        try
        {
            _variables ??= Variable is null ? new Dictionary<string, JsonElement>() : new PowerShellJson(ValueSettings.Current()).Convert(Variable);
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Variable));
            return;
        }
        foreach (var (code, language, source) in Inputs(session))
        {
            RunRequest request;
            try
            {
                request = new RunRequest(code, language ?? throw (source == CodeSource ? LanguageRequired() : CannotInferLanguage(source)), TimeoutSec)
                {
                    Variables = _variables,
                    Arguments = ArgumentList,
                    SourcePath = source == CodeSource ? null : source,
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
                RunIn(session, request, source);
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
            RunWithFiles(pump, given, request, source);
            return;
        }
        AgbSession session = NewSession(Backend(), new SessionOptions { RunLanguage = request.Language, Contexts = _contexts });
        SessionCleanup.Track(session);
        RunSessions.Add(session.Id);
        try
        {
            RunWithFiles(pump, session, request, source);
        }
        finally
        {
            RemoveEphemeral(session);
            RunSessions.Remove(session.Id);
        }
    }

    /// <summary>
    /// Removes the run's own session, bounded; one left over is removed at the latest when the process exits. A local
    /// session goes behind the next input (the engine bounds how many removals run at once and waits for them at exit).
    /// </summary>
    private void RemoveEphemeral(AgbSession session)
    {
        bool local = OperatingSystem.IsLinux() && session.Space is LocalCodeSpace;
        Exception? failure = OperatingSystem.IsLinux() && session.Space is LocalCodeSpace engine ? SessionCleanup.RemoveLocal(engine, session, StopToken) : SessionCleanup.Remove(session, StopToken);
        if (StopToken.IsCancellationRequested)
            return;   // the pipeline is stopping: nothing more may be written
        if (local)
            WriteVerbose($"Removing session {session.Id} in the background.");
        else if (failure is null)
            WriteVerbose($"Removed session {session.Id}.");
        if (failure is AgbException { ErrorId: SessionCleanup.BackgroundFailure } earlier)
            WriteWarning(earlier.MessageWithFix);   // an earlier run's session, named in the message
        else if (failure is not null)
            WriteWarning($"Removing the run's session {session.Id}: {(failure as AgbException)?.MessageWithFix ?? failure.Message}");
    }

    /// <summary>Runs with -InputPath copied in first and, with -OutputPath, what the run made copied back (before an ephemeral session goes).</summary>
    private void RunWithFiles(RunPump pump, AgbSession session, RunRequest request, string source)
    {
        string scriptFolder = ParameterSetName == CodeSet ? SessionState.Path.CurrentFileSystemLocation.ProviderPath : System.IO.Path.GetDirectoryName(source)!;
        RunFiles.Snapshot? before = _runFiles?.Before(session, scriptFolder);
        string here = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
        pump.Run(session, request, source, result => MissingInput.Fix(result, scriptFolder, here, _inputs, request.SourcePath));
        if (before is not null)
            _runFiles!.After(session, before);
    }

    /// <summary>What to run: the code, or each file the paths name, with the language to run it in.</summary>
    private IEnumerable<(string Code, string? Language, string Source)> Inputs(AgbSession? session)
    {
        string? explicitLanguage = MyInvocation.BoundParameters.ContainsKey(nameof(Language)) ? Language : null;
        IEnumerable<string> files;
        if (ParameterSetName == CodeSet)
        {
            if (explicitLanguage is not null || !CodePath.NamesFiles(Code, SessionState.Path))
            {
                yield return (Code, explicitLanguage ?? OnlyKernelLanguage(session), CodeSource);
                yield break;
            }
            files = Files([Code.Trim()], literal: false);
        }
        else
        {
            files = ParameterSetName == LiteralPathSet ? Files(LiteralPath, literal: true) : Files(Path, literal: false);
        }
        foreach (string file in files)
        {
            string code;
            try
            {
                code = File.ReadAllText(file);
            }
            catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(failure, LocalErrors.PathUnreadable, ErrorCategory.ReadError, file));
                continue;
            }
            yield return (code, explicitLanguage ?? LanguageRules.FromPath(file), file);
        }
    }

    /// <summary>Code without -Language runs in the session's language when the session has exactly one kernel.</summary>
    private static string? OnlyKernelLanguage(AgbSession? session) => session?.Kernels is [{ } only] ? only.Language : null;

    private IEnumerable<string> Files(IEnumerable<string> paths, bool literal)
    {
        foreach (string file in LocalPaths.Resolve(this, paths, literal, WriteError))
        {
            if (File.Exists(file))
                yield return file;
            else
                WriteError(ToErrorRecord(new AgbException(AgbErrorKind.BadInput, LocalErrors.PathNotFile, $"'{file}' is a folder, not a file.",
                    "Pass the files in it, e.g. -Path folder/*.py."), file));
        }
    }

    private const string CodeSource = "code";

    private static AgbException LanguageRequired() => new(AgbErrorKind.BadInput, RunErrors.LanguageRequired,
        "Cannot tell which language the code is in.",
        $"Pass -Language ({LanguageRules.SupportedList}); it may be left out only with a -Session that has exactly one kernel.");

    private static AgbException CannotInferLanguage(string file) => new(AgbErrorKind.BadInput, RunErrors.LanguageUnknown,
        $"Cannot tell the language of '{file}' from its extension.",
        $"Pass -Language ({LanguageRules.SupportedList}), or name the file with one of: {string.Join(" ", LanguageRules.All.SelectMany(l => l.Extensions))}.");
}
