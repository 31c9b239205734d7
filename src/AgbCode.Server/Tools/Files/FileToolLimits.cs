using AgbCode.Server.Api;
using AgbCode.Server.Config;

namespace AgbCode.Server.Tools.Files;

/// <summary>The bounds of the file tools, from the server's settings, and the refusals that name them.</summary>
public sealed class FileToolLimits(ServerOptions options)
{
    /// <summary>Bytes one read_file answers, one write_file writes, edit_file and read_multiple_files hold (AGBCODE_MAX_FILE_CHUNK_BYTES).</summary>
    public int ChunkBytes => options.MaxFileChunkBytes;
    /// <summary>
    /// The most bytes one call moves both ways: a chunk whose base64 write_file request still fits the smaller request
    /// body cap (AGBCODE_MAX_REQUEST_BYTES, AGBCODE_MAX_LINK_REQUEST_BYTES) with room for the envelope. read_file's schema
    /// shows it as the maximum of "length", so the AgbCode client moves files in chunks this large.
    /// </summary>
    public int TransferBytes => (int)Math.Min(ChunkBytes, (Math.Min(options.MaxRequestBytes, options.MaxLinkRequestBytes) - EnvelopeBytes) / 4 * 3);

    private const int EnvelopeBytes = 8 * 1024;
    /// <summary>Entries a listing, search or change scan may visit (AGBCODE_MAX_LIST_ENTRIES).</summary>
    public int ListEntries => options.MaxListEntries;
    public double MaxTimeoutSec => options.MaxRunTimeoutSec;
    public int MaxCommandBytes => options.MaxCodeBytes;

    public ToolFailure TooLarge(string tool, string what, long size) => new(
        $"{tool}: {what} is {ApiError.Sizes(size)}; one call handles at most {ApiError.Sizes(ChunkBytes)} (AGBCODE_MAX_FILE_CHUNK_BYTES). " +
        "Read or write it in chunks with offset and length (or mode \"append\"), as the SDKs do.");

    public ToolFailure TooManyEntries(string tool, string path) => new(
        $"{tool}: {path} holds more than {ListEntries} entries, the most one call visits (AGBCODE_MAX_LIST_ENTRIES). Name a smaller folder.");

    public IReadOnlyList<T> Bounded<T>(IReadOnlyList<T> items, string tool, string path) =>
        items.Count > ListEntries ? throw TooManyEntries(tool, path) : items;
}
