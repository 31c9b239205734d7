using AgbCode.Core.Errors;

namespace AgbCode.Core.Contexts;

/// <summary>The errors about contexts, declared once for every backend.</summary>
public static class ContextErrors
{
    public const string NotFoundId = "AgbContextNotFound";
    public const string InUseId = "AgbContextInUse";
    public const string ExistsId = "AgbContextExists";
    public const string LimitId = "AgbContextLimit";
    public const string BadNameId = "AgbBadContextName";
    public const string BadPathId = "AgbBadContextPath";
    public const string FullId = "AgbContextFull";
    public const string DamagedId = "AgbContextDamaged";
    public const string NeedsSandboxId = "AgbContextNeedsSandbox";
    public const string NeedsNewSessionId = "AgbContextNeedsNewSession";
    public const string NotOfferedId = "AgbContextsNotOffered";

    /// <summary>Whether an error id is one of the contexts' (a server answers with it as its code).</summary>
    public static bool IsContextError(string id) => id.StartsWith("AgbContext", StringComparison.Ordinal) || id is BadNameId or BadPathId;

    public static AgbException NotFound(string context) => new(AgbErrorKind.NotFound, NotFoundId,
        $"There is no context '{Display.InertText.OneLine(context, 80)}'.",
        "List the contexts with Get-AgbContext, or make it with New-AgbContext.");

    public static AgbException InUse(string context, string session) => new(AgbErrorKind.InvalidState, InUseId,
        $"Context '{Display.InertText.OneLine(context, 80)}' is mounted by session {Display.InertText.OneLine(session, 80)}; a context is mounted by one session at a time.",
        "Wait for that session to end, or remove it with Remove-AgbSession.");

    public static AgbException Exists(string context) => new(AgbErrorKind.InvalidState, ExistsId,
        $"A context named '{Display.InertText.OneLine(context, 80)}' already exists.",
        "Use it as it is, pick another name, or remove it first with Remove-AgbContext.");
}
