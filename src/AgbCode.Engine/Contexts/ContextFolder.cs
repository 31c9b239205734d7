using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// One context on disk, a folder named by its id under its tenant's folder: context.json (id, name, times, size),
/// claim.lock (flock held by the process whose session mounts it), holder (that session's id), and its files: volume.img
/// (an ext4 image, root engine) or files/ (a private folder, non-root engine).
/// </summary>
internal sealed partial class ContextFolder(string path)
{
    public string Path { get; } = path;
    public string Id => System.IO.Path.GetFileName(Path);
    public string MetaFile => Combine("context.json");
    public string ClaimFile => Combine("claim.lock");
    public string HolderFile => Combine("holder");
    public string VolumeImage => Combine("volume.img");
    public string FilesDir => Combine("files");

    private string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Ids are ours ("ctx-" and 16 letters or digits): one that is not cannot name a folder.</summary>
    public static bool IsId(string text) => IdPattern().IsMatch(text);

    public static string NewId()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        Span<byte> random = stackalloc byte[16];
        RandomNumberGenerator.Fill(random);
        var id = new char[16];
        for (int i = 0; i < id.Length; i++)
            id[i] = alphabet[random[i] % alphabet.Length];
        return "ctx-" + new string(id);
    }

    public ContextRecord? ReadRecord()
    {
        try
        {
            return JsonSerializer.Deserialize<ContextRecord>(File.ReadAllText(MetaFile));
        }
        catch (Exception failure) when (failure is IOException or JsonException)
        {
            return null;   // being made, or being removed
        }
    }

    public void WriteRecord(ContextRecord record)
    {
        string temporary = MetaFile + ".new";
        File.WriteAllText(temporary, JsonSerializer.Serialize(record));
        File.Move(temporary, MetaFile, overwrite: true);
    }

    /// <summary>The session that holds the claim, as it wrote it ("a session being made" before it has).</summary>
    public string ReadHolder()
    {
        try
        {
            return File.ReadAllText(HolderFile).Trim() is { Length: > 0 } holder ? holder : Unknown;
        }
        catch (IOException)
        {
            return Unknown;
        }
    }

    private const string Unknown = "(a session being made)";

    [GeneratedRegex("^ctx-[0-9a-z]{16}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}

/// <summary>
/// What context.json holds. <paramref name="UsedBytes"/>: what its files took when a session last let go of it (a volume
/// is measured just before it is unmounted); null for a folder, which is not measured, and in records of earlier versions.
/// </summary>
internal sealed record ContextRecord(string Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, long? SizeBytes, long? UsedBytes = null);
