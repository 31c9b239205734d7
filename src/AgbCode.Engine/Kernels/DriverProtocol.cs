using System.Collections.Frozen;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// The kernel protocol's vocabulary on the engine's side, declared once (docs/protocol.md documents it): the request the
/// engine sends, the messages a driver sends back, and the messages an evaluator sends its supervisor. The drivers keep
/// their own literals (they are other languages); DriverProtocolTests reads their sources and checks each type they send.
/// </summary>
internal static class DriverProtocol
{
    /// <summary>The one request type, and its fields.</summary>
    public static class Request
    {
        public const string Execute = "execute";
        public const string Type = "type";
        public const string Id = "id";
        public const string Code = "code";
        public const string Filename = "filename";
        public const string ExecutionCount = "execution_count";
        public const string OutputCap = "output_cap";
    }

    /// <summary>Message types: driver → engine, and evaluator → supervisor.</summary>
    public static class Message
    {
        public const string Ready = "ready";
        public const string Stream = "stream";
        public const string DisplayData = "display_data";
        public const string ExecuteResult = "execute_result";
        public const string Error = "error";
        public const string Truncated = "truncated";
        public const string Done = "done";
        /// <summary>The run took the interrupt and is ending: its error may take longer than the grace to make.</summary>
        public const string Interrupted = "interrupted";
        /// <summary>Evaluator → supervisor only: relay the output pipes before the evaluator writes to the other one.</summary>
        public const string Sync = "sync";
    }

    /// <summary>The fields of the driver's messages.</summary>
    public static class Field
    {
        public const string Type = "type";
        public const string Id = "id";
        public const string Runtime = "runtime";
        public const string Name = "name";
        public const string Text = "text";
        public const string Data = "data";
        public const string Ename = "ename";
        public const string Evalue = "evalue";
        public const string Traceback = "traceback";
        public const string Status = "status";
        public const string ExitCode = "exit_code";
    }

    /// <summary>Every type a driver may send the engine; anything else is a protocol violation.</summary>
    public static readonly FrozenSet<string> DriverMessages = FrozenSet.ToFrozenSet(
        [Message.Ready, Message.Stream, Message.DisplayData, Message.ExecuteResult, Message.Error, Message.Truncated, Message.Done,
         Message.Interrupted],
        StringComparer.Ordinal);

    /// <summary>
    /// What an honest driver sends outside a run, and the only types it sends without an id: output of background
    /// threads (id null, or the run that just ended).
    /// </summary>
    public static readonly FrozenSet<string> BetweenRunMessages = FrozenSet.ToFrozenSet(
        [Message.Stream, Message.DisplayData, Message.Truncated], StringComparer.Ordinal);

    /// <summary>Every type an evaluator may send its supervisor (agb_supervisor.py adds the run's id).</summary>
    public static readonly FrozenSet<string> EvaluatorMessages = FrozenSet.ToFrozenSet(
        [Message.Ready, Message.Sync, Message.DisplayData, Message.ExecuteResult, Message.Error, Message.Done],
        StringComparer.Ordinal);
}
