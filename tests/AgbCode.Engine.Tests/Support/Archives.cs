using System.Formats.Tar;

namespace AgbCode.Engine.Tests.Support;

/// <summary>Tar archives for upload tests, and what a downloaded archive holds (read as data, never unpacked).</summary>
public static class Archives
{
    public sealed record Entry(TarEntryType Type, byte[] Content, string? LinkTarget);

    public static MemoryStream Of(params (string Name, byte[] Content)[] files) => Build(writer =>
    {
        foreach (var (name, content) in files)
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
    });

    public static MemoryStream Build(Action<TarWriter> write)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            write(writer);
        stream.Position = 0;
        return stream;
    }

    public static Dictionary<string, Entry> Read(Stream archive)
    {
        archive.Position = 0;
        var entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        using var reader = new TarReader(archive);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries.Add(entry.Name, new Entry(entry.EntryType, content.ToArray(), entry.EntryType == TarEntryType.SymbolicLink ? entry.LinkName : null));
        }
        return entries;
    }

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
