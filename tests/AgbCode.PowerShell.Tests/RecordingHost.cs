using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Security;
using System.Text;

namespace AgbCode.PowerShell.Tests;

/// <summary>
/// A PowerShell host that records every character a runspace writes to it, as a terminal would receive it. Runs a
/// script with all its streams merged into Out-Default, the way the console shows a command's output.
/// </summary>
internal sealed class RecordingHost(bool supportsVirtualTerminal) : PSHost
{
    private readonly RecordingUI _ui = new(supportsVirtualTerminal);

    /// <summary>Everything written to the host so far.</summary>
    public string Screen => _ui.Screen;

    /// <summary>Runs <paramref name="script"/> in a fresh runspace with the module, under this host; returns the screen.</summary>
    public string Show(string script, string outputRendering, IDictionary<string, object>? variables = null)
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(Path.Combine(AppContext.BaseDirectory, "AgbCode.psd1"));
        using Runspace runspace = RunspaceFactory.CreateRunspace(this, state);
        runspace.Open();
        foreach (var (name, value) in variables ?? new Dictionary<string, object>())
            runspace.SessionStateProxy.SetVariable(name, value);
        using var shell = System.Management.Automation.PowerShell.Create();
        shell.Runspace = runspace;
        shell.AddScript($"$PSStyle.OutputRendering = '{outputRendering}'; $VerbosePreference = 'Continue'").Invoke();
        shell.Commands.Clear();
        shell.AddScript($"& {{ {script} }} *>&1 | Out-Default");
        shell.Invoke();
        return Screen;
    }

    public override string Name => "RecordingHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    private sealed class RecordingUI(bool supportsVirtualTerminal) : PSHostUserInterface
    {
        private readonly StringBuilder _screen = new();
        private readonly RecordingRawUI _raw = new();

        public string Screen { get { lock (_screen) return _screen.ToString(); } }
        public override bool SupportsVirtualTerminal => supportsVirtualTerminal;
        public override PSHostRawUserInterface RawUI => _raw;

        private void Record(string? text) { lock (_screen) _screen.Append(text); }
        public override void Write(string value) => Record(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Record(value);
        public override void WriteLine(string value) => Record(value + "\n");
        public override void WriteErrorLine(string value) => Record(value + "\n");
        public override void WriteWarningLine(string message) => Record("WARNING: " + message + "\n");
        public override void WriteVerboseLine(string message) => Record("VERBOSE: " + message + "\n");
        public override void WriteDebugLine(string message) => Record("DEBUG: " + message + "\n");
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override string ReadLine() => throw new NotSupportedException();
        public override SecureString ReadLineAsSecureString() => throw new NotSupportedException();
        public override Dictionary<string, PSObject> Prompt(string caption, string message, System.Collections.ObjectModel.Collection<FieldDescription> descriptions) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException();
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException();
        public override int PromptForChoice(string caption, string message, System.Collections.ObjectModel.Collection<ChoiceDescription> choices, int defaultChoice) => throw new NotSupportedException();
    }

    private sealed class RecordingRawUI : PSHostRawUserInterface
    {
        public override ConsoleColor ForegroundColor { get; set; } = ConsoleColor.Gray;
        public override ConsoleColor BackgroundColor { get; set; } = ConsoleColor.Black;
        public override Coordinates CursorPosition { get; set; }
        public override Coordinates WindowPosition { get; set; }
        public override int CursorSize { get; set; }
        public override Size BufferSize { get; set; } = new(200, 1000);
        public override Size WindowSize { get; set; } = new(200, 50);
        public override Size MaxWindowSize => WindowSize;
        public override Size MaxPhysicalWindowSize => WindowSize;
        public override bool KeyAvailable => false;
        public override string WindowTitle { get; set; } = "";
        public override KeyInfo ReadKey(ReadKeyOptions options) => throw new NotSupportedException();
        public override void FlushInputBuffer() { }
        public override void SetBufferContents(Coordinates origin, BufferCell[,] contents) { }
        public override void SetBufferContents(Rectangle rectangle, BufferCell fill) { }
        public override BufferCell[,] GetBufferContents(Rectangle rectangle) => throw new NotSupportedException();
        public override void ScrollBufferContents(Rectangle source, Coordinates destination, Rectangle clip, BufferCell fill) { }
    }
}
