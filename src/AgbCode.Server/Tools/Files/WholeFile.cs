using AgbCode.Core.Files;

namespace AgbCode.Server.Tools.Files;

/// <summary>Reads a file from an offset to its end in one call, refusing one past the chunk limit (never buffering more).</summary>
public static class WholeFile
{
    public static async Task<byte[]> ReadAsync(IWorkspaceFiles files, string path, long offset, int budget, FileToolLimits limits,
        string tool, CancellationToken cancellationToken)
    {
        byte[] data = await files.ReadAsync(path, offset, budget + 1, cancellationToken);
        return data.Length > budget ? throw limits.TooLarge(tool, $"{ToolText.Line(path)} from byte {offset} to its end", data.Length) : data;
    }
}
