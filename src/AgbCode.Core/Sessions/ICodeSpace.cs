using AgbCode.Core.Contexts;
using AgbCode.Core.Images;

namespace AgbCode.Core.Sessions;

/// <summary>A backend that holds sessions: the local engine or a remote AGB endpoint.</summary>
public interface ICodeSpace
{
    /// <summary>Where sessions live: "local" or the endpoint URL.</summary>
    string Location { get; }

    Task<ICodeSession> CreateSessionAsync(SessionOptions options, CancellationToken cancellationToken = default);

    /// <summary>The session with this id, or null when there is none.</summary>
    Task<ICodeSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ICodeSession>> ListSessionsAsync(CancellationToken cancellationToken = default);

    /// <summary>Each supported language, and whether (and on which runtime) this backend can run it.</summary>
    Task<IReadOnlyList<LanguageSupport>> GetLanguagesAsync(CancellationToken cancellationToken = default);

    /// <summary>The names of the code images this backend offers (the base image first).</summary>
    Task<IReadOnlyList<string>> ListImagesAsync(CancellationToken cancellationToken = default);

    /// <summary>The packages an image offers each language; an unknown image is an AgbUnknownImage error.</summary>
    Task<IReadOnlyList<ImagePackage>> GetImagePackagesAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>The caller's contexts on this backend: persistent storage that sessions mount (SessionOptions.Contexts).</summary>
    IContextStore Contexts { get; }

    /// <summary>Removes the session and everything it owns; false when there was no such session.</summary>
    Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);
}
