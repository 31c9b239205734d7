using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels.Drivers;

/// <summary>JavaScript: Node's vm with one persistent context, cells rewritten with acorn (agb_node_evaluator.js).</summary>
internal sealed class JavaScriptDriver : LanguageDriver
{
    public override string Language => LanguageRules.JavaScript;
    public override string Executable => "/usr/bin/node";
    public override string Package => "nodejs (20 or later)";
    public override string RuntimeName => "Node.js";
    public override IReadOnlyList<string> VersionCommand => [Executable, "--version"];

    // V8 aborts at --max-old-space-size before the cgroup would kill it.
    public override bool DiedOfMemory(string stderrTail) =>
        stderrTail.Contains("JavaScript heap out of memory", StringComparison.Ordinal);

    public override IReadOnlyList<string> Command(string driversDir, SessionLimits limits) =>
        Supervised(driversDir, Executable, $"--max-old-space-size={HeapMiB(limits)}",
            Path.Combine(driversDir, "javascript", "agb_node_evaluator.js"));

    /// <summary>
    /// V8's code cache for the kernel's parser and rewriter, beside them (agb_node_code_cache.js): a kernel does not
    /// compile them at every start (about 8 ms of CPU). Without it, kernels compile from source as before.
    /// </summary>
    public override void Prepare(string driversDir)
    {
        string writer = Path.Combine(driversDir, "javascript", "agb_node_code_cache.js");
        if (IsInstalled && File.Exists(writer))
            Platform.HostCommand.TryRun(Executable, writer);
    }
}
