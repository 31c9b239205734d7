using System.Security.Cryptography;

namespace AgbCode.Core.Sessions;

/// <summary>The one form of a session id: "session-", an optional instance part, then 16 random lower-case letters and digits.</summary>
public static class SessionIds
{
    public const string Prefix = "session-";
    public const int RandomLength = 16;
    private const string Alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>A new id; with <paramref name="instance"/>, "session-{instance}-…", so a front can route by the instance.</summary>
    public static string New(string? instance = null)
    {
        Span<byte> random = stackalloc byte[RandomLength];
        RandomNumberGenerator.Fill(random);
        Span<char> suffix = stackalloc char[RandomLength];
        for (int i = 0; i < suffix.Length; i++)
            suffix[i] = Alphabet[random[i] % Alphabet.Length];
        return instance is null ? $"{Prefix}{suffix}" : $"{Prefix}{instance}-{suffix}";
    }

    /// <summary>The instance part of a session id; null when the id names none.</summary>
    public static string? InstanceOf(string? sessionId)
    {
        if (sessionId is null || !sessionId.StartsWith(Prefix, StringComparison.Ordinal) || sessionId.Length < Prefix.Length + RandomLength + 2)
            return null;
        int dash = sessionId.Length - RandomLength - 1;
        return sessionId[dash] == '-' ? sessionId[Prefix.Length..dash] : null;
    }
}
