namespace AgbCode.Core.Sessions;

/// <summary>Whether a backend can run a language now, on which runtime, and why not when it cannot.</summary>
public sealed record LanguageSupport(string Language, bool Available, string? Runtime, string? Reason);
