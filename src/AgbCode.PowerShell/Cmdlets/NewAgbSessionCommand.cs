using System.Collections;
using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Creates a session: a sandbox with a workspace and, per language, a kernel that keeps state between runs.</summary>
[Cmdlet(VerbsCommon.New, "AgbSession", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(AgbSession))]
public sealed class NewAgbSessionCommand : AgbBackendCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.ImageCompleter))]
    public string Image { get; set; } = SessionOptions.DefaultImage;

    [Parameter]
    public Hashtable? Label { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(LanguageCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Language { get; set; } = [];

    [Parameter]
    [ValidateRange(64, 1024 * 1024)]
    public int MemoryMB { get; set; }

    [Parameter]
    [ValidateRange(16, 1 << 20)]
    public int MaxProcesses { get; set; }

    [Parameter]
    [ValidateRange(0.05, 1024)]
    public double CpuCount { get; set; }

    [Parameter]
    [ValidateRange(16, 1024 * 1024)]
    public int DiskMB { get; set; }

    [Parameter]
    [ValidateRange(1, 1024 * 1024)]
    public int MaxFileSizeMB { get; set; }

    [Parameter]
    [ValidateRange(1, 1024 * 1024)]
    public int OutputLimitMB { get; set; }

    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int IdleTimeoutSec { get; set; }

    [Parameter]
    public IsolationMode Isolation { get; set; } = IsolationMode.Sandbox;

    [Parameter]
    public Hashtable? Environment { get; set; }

    /// <summary>The network allow-list (HOST:PORT entries; see about_AgbCode). Left out: no network.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Network { get; set; }

    /// <summary>Contexts to mount, each NAME (at /contexts/NAME) or NAME:/absolute/path.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ContextNameCompleter))]
    public string[] Context { get; set; } = [];

    protected override void ProcessRecord()
    {
        SessionOptions options;
        try
        {
            options = Options();
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Name));
            return;
        }
        string target = Name is null ? $"a new {Image} session" : $"a new {Image} session named '{Name}'";
        if (!ShouldProcess(target, "Create"))
            return;
        try
        {
            ICodeSpace space = Backend(inProcess: Isolation == IsolationMode.None);
            if (space.Location != "local")
                CheckRemoteOptions();
            else if (Isolation == IsolationMode.None)
                WriteWarning("Isolation None: the code runs unsandboxed, as your user, with your access. Use it only for code you trust.");
            WriteObject(Starting(options.StartLanguages, () => NewSession(space, options)));
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Name));
        }
    }

    // The AGB API has no fields for limits or isolation: a remote endpoint applies its own.
    private void CheckRemoteOptions()
    {
        if (Isolation == IsolationMode.None)
            throw new AgbException(AgbErrorKind.BadInput, "AgbIsolationNotRemote", "-Isolation None applies to the local engine only.",
                "Leave -Isolation out for a remote endpoint: its sessions are isolated by the endpoint.");
        string[] limits = [.. new[] { nameof(MemoryMB), nameof(MaxProcesses), nameof(CpuCount), nameof(DiskMB), nameof(MaxFileSizeMB), nameof(OutputLimitMB) }
            .Where(MyInvocation.BoundParameters.ContainsKey)];
        if (limits.Length > 0)
            WriteWarning($"The AGB API carries no limits: the endpoint's own apply, not -{string.Join(", -", limits)}.");
    }

    private SessionOptions Options()
    {
        SessionLimits limits = SessionLimits.Default;
        if (MemoryMB > 0) limits = limits with { MemoryBytes = MemoryMB * SessionLimits.MiB };
        if (MaxProcesses > 0) limits = limits with { MaxProcesses = MaxProcesses };
        if (CpuCount > 0) limits = limits with { CpuCores = CpuCount };
        if (DiskMB > 0) limits = limits with { DiskBytes = DiskMB * SessionLimits.MiB };
        if (MaxFileSizeMB > 0) limits = limits with { FileSizeBytes = MaxFileSizeMB * SessionLimits.MiB };
        if (OutputLimitMB > 0) limits = limits with { OutputBytes = OutputLimitMB * SessionLimits.MiB };
        return new SessionOptions
        {
            Name = Name,
            Image = Image,
            Labels = Labels(),
            Limits = limits.Validated(),
            StartLanguages = [.. Language.Select(LanguageRules.Normalize).Distinct()],
            IdleTimeout = IdleTimeoutSec > 0 ? TimeSpan.FromSeconds(IdleTimeoutSec) : null,
            Isolation = Isolation,
            Environment = EnvironmentVariables(),
            Network = NetworkAllowList.Parse(Network),
            Contexts = [.. Context.Select(Core.Contexts.ContextMount.Parse)],
        };
    }

    /// <summary>-Environment as names and strings, checked; nothing comes from the host's environment.</summary>
    private Dictionary<string, string> EnvironmentVariables()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment ?? [])
            environment[entry.Key?.ToString() ?? ""] = entry.Value is null ? "" : LanguagePrimitives.ConvertTo<string>(entry.Value) ?? "";
        SessionEnvironment.Check(environment);
        return environment;
    }

    private Dictionary<string, string> Labels()
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Label ?? [])
        {
            string key = entry.Key?.ToString() ?? "";
            string value = LanguagePrimitives.ConvertTo<string>(entry.Value) ?? "";
            if (string.IsNullOrWhiteSpace(key) || string.IsNullOrWhiteSpace(value))
                throw new AgbException(AgbErrorKind.BadInput, "AgbInvalidLabel", "A label needs a non-empty name and value.",
                    "Pass labels as @{ team = 'data'; stage = 'test' }.");
            labels[key] = value;
        }
        ReservedLabels.CheckUserLabels(labels);
        return labels;
    }

    /// <summary>
    /// Creates the session with its kernels started, showing progress meanwhile. The backend starts them, so that the
    /// local engine can hand out a spare session already running exactly these kernels.
    /// </summary>
    private AgbSession Starting(IReadOnlyList<string> languages, Func<AgbSession> create)
    {
        if (languages.Count == 0)
            return create();
        var progress = new ProgressRecord(1, "Starting a session", $"starting the {string.Join(", ", languages)} kernel(s)");
        WriteProgress(progress);
        AgbSession session = create();
        progress.RecordType = ProgressRecordType.Completed;
        WriteProgress(progress);
        return session;
    }
}
