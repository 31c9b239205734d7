namespace AgbCode.Core.Files;

/// <summary>What a shell command in a session printed and how it ended.</summary>
/// <param name="ExitCode">The command's exit status; 124 when it ran past its timeout and was killed.</param>
public sealed record ShellResult(string Stdout, string Stderr, int ExitCode, bool TimedOut);
