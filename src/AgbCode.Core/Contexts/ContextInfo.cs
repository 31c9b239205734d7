namespace AgbCode.Core.Contexts;

/// <summary>A context: named, persistent storage of one tenant that sessions mount at a path of their choice.</summary>
public sealed record ContextInfo
{
    /// <summary>
    /// The field an AgbCode server adds to a context on the AGB wire with <see cref="MountedBy"/> (the AGB API itself says
    /// only "in-use"); the caller's own session, since contexts are per tenant.
    /// </summary>
    public const string MountedByWireField = "agbcodeMountedBy";

    /// <summary>The fields an AgbCode server adds with <see cref="SizeBytes"/> and <see cref="UsedBytes"/>, when it knows them.</summary>
    public const string SizeBytesWireField = "agbcodeSizeBytes";
    public const string UsedBytesWireField = "agbcodeUsedBytes";

    /// <summary>The backend's id (stable, unguessable; the AGB API's <c>contextId</c>).</summary>
    public required string Id { get; init; }
    /// <summary>The name the user gave it, unique per tenant (see <see cref="ContextNames"/>).</summary>
    public required string Name { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>When a session last mounted it or its files were last changed through the store; null = never.</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
    /// <summary>The session that has it mounted now, or null when it is free.</summary>
    public string? MountedBy { get; init; }
    /// <summary>
    /// Bytes its files took when a session last let go of it (the local engine measures a volume as it unmounts it); null
    /// when the backend does not say or does not measure (a non-root engine's folder, an AGB endpoint).
    /// </summary>
    public long? UsedBytes { get; init; }
    /// <summary>Its size cap in bytes; null when the backend does not say or cannot cap it.</summary>
    public long? SizeBytes { get; init; }
    /// <summary>Where it lives: "local" or the endpoint URL (as <see cref="Sessions.ICodeSpace.Location"/>).</summary>
    public required string Location { get; init; }

    /// <summary>The AGB API's state word: "in-use" while mounted, else "available".</summary>
    public string State => MountedBy is null ? "available" : "in-use";
}
