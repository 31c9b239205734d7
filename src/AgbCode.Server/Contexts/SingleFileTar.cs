using System.Formats.Tar;
using System.IO.Pipelines;
using System.Text;
using AgbCode.Core.Files;
using AgbCode.Server.Api;

namespace AgbCode.Server.Contexts;

/// <summary>
/// One file through a session's archive calls without holding it: an upload is streamed in as a one-entry tar (the
/// engine writes it all or nothing), a download is read out of the tar the session's helper writes.
/// </summary>
public static class SingleFileTar
{
    private const int Block = 512;

    /// <summary>Writes <paramref name="length"/> bytes of <paramref name="content"/> to <paramref name="absolutePath"/> in the session's files.</summary>
    public static async Task UploadAsync(IWorkspaceFiles files, string absolutePath, Stream content, long length, CancellationToken cancellationToken)
    {
        (string folder, string name) = Split(absolutePath);
        var pipe = new Pipe();
        Task unpacking = files.UploadAsync(pipe.Reader.AsStream(), folder, cancellationToken: cancellationToken);
        try
        {
            Stream archive = pipe.Writer.AsStream();
            await archive.WriteAsync(Header(name, length), cancellationToken);
            long copied = await CopyAtMostAsync(content, archive, length, cancellationToken);
            if (copied != length)
                throw ApiError.BadParameter($"The upload ended after {copied} of the {length} bytes its Content-Length announced; send the whole file.");
            int padding = (int)((Block - length % Block) % Block);
            await archive.WriteAsync(new byte[padding + 2 * Block], cancellationToken);
            await pipe.Writer.CompleteAsync();
        }
        catch (Exception error)
        {
            await pipe.Writer.CompleteAsync(error);   // the engine sees a broken archive and writes nothing
            await Ignore(unpacking);
            throw;
        }
        await unpacking;
    }

    /// <summary>Streams the regular file at <paramref name="absolutePath"/> to <paramref name="response"/>, after <paramref name="start"/> sees its length.</summary>
    public static async Task DownloadAsync(IWorkspaceFiles files, string absolutePath, Func<long, Stream> start, CancellationToken cancellationToken)
    {
        var pipe = new Pipe();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task packing = PackAsync(files, absolutePath, pipe.Writer, stop.Token);
        try
        {
            await using var reader = new TarReader(pipe.Reader.AsStream());
            TarEntry? entry = await reader.GetNextEntryAsync(cancellationToken: stop.Token);
            if (entry is null || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null && entry.Length > 0)
                throw ApiError.BadParameter($"'{Display(absolutePath)}' is not a regular file; a download URL reads one file.");
            Stream output = start(entry.Length);
            if (entry.DataStream is not null)
                await entry.DataStream.CopyToAsync(output, stop.Token);
        }
        finally
        {
            await stop.CancelAsync();   // the rest of the archive is not wanted
            await pipe.Reader.CompleteAsync();
            await Ignore(packing);
        }
    }

    private static async Task PackAsync(IWorkspaceFiles files, string path, PipeWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            await files.DownloadAsync([path], writer.AsStream(), cancellationToken: cancellationToken);
            await writer.CompleteAsync();
        }
        catch (Exception error)
        {
            await writer.CompleteAsync(error);
        }
    }

    private static async Task<long> CopyAtMostAsync(Stream from, Stream to, long limit, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[81920];
        long copied = 0;
        while (copied < limit)
        {
            int read = await from.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - copied)), cancellationToken);
            if (read == 0)
                break;
            await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
        }
        return copied;
    }

    /// <summary>A ustar header for a regular file <paramref name="name"/> (one path part) of <paramref name="length"/> bytes.</summary>
    private static byte[] Header(string name, long length)
    {
        byte[] header = new byte[Block];
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        if (nameBytes.Length > 100)
            throw ApiError.BadParameter($"The file name '{Display(name)}' is {nameBytes.Length} bytes long; a file uploaded by URL may have a name of at most 100 bytes. Upload it under a shorter name and rename it in the session.");
        nameBytes.CopyTo(header, 0);
        Octal(header, 100, 8, Convert.ToInt32("644", 8));
        Octal(header, 108, 8, 0);
        Octal(header, 116, 8, 0);
        Octal(header, 124, 12, length);
        Octal(header, 136, 12, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        header[156] = (byte)'0';
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        Array.Fill(header, (byte)' ', 148, 8);
        long sum = header.Sum(b => (long)b);
        Octal(header, 148, 7, sum);
        return header;
    }

    private static void Octal(byte[] header, int offset, int width, long value)
    {
        string digits = Convert.ToString(value, 8).PadLeft(width - 1, '0');
        if (digits.Length > width - 1)
            throw ApiError.BadParameter("The file is too large for one upload.");
        Encoding.ASCII.GetBytes(digits).CopyTo(header, offset);
        header[offset + width - 1] = 0;
    }

    private static (string Folder, string Name) Split(string absolutePath)
    {
        int slash = absolutePath.LastIndexOf('/');
        return (slash == 0 ? "/" : absolutePath[..slash], absolutePath[(slash + 1)..]);
    }

    private static string Display(string text) => AgbCode.Core.Display.InertText.OneLine(text, 200);

    private static async Task Ignore(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // the first failure is the one reported
        }
    }
}
