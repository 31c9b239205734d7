using System.Formats.Tar;
using System.Text;
using AgbCode.Core.Errors;
using AgbCode.PowerShell.Files;

namespace AgbCode.PowerShell.Tests;

/// <summary>Hostile archives, as a sandbox could send them: the extractor writes nothing it should not.</summary>
public sealed class SafeTarExtractorTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("agbcode-tar-").FullName;
    private string Destination => Path.Combine(_scratch, "dest");
    private string Outside => Path.Combine(_scratch, "outside");

    public SafeTarExtractorTests() => Directory.CreateDirectory(Outside);

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static TransferLimits Limits => new(64L << 20, 1000);

    private static MemoryStream Archive(params TarEntry[] entries)
    {
        var stream = new MemoryStream();
        using (var writer = new TarWriter(stream, leaveOpen: true))
            foreach (TarEntry entry in entries)
                writer.WriteEntry(entry);
        stream.Position = 0;
        return stream;
    }

    private static PaxTarEntry FileEntry(string name, string content) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) };

    private static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    private List<ExtractedItem> Extract(Stream archive, bool overwrite = false, TransferLimits? limits = null) =>
        [.. new SafeTarExtractor(Destination, overwrite, limits ?? Limits).Extract(archive, name => name)];

    private static string Refusal(ExtractedItem item) => item.Refusal?.ErrorId ?? "written";

    private List<string> Everything() =>
        [.. Directory.EnumerateFileSystemEntries(_scratch, "*", SearchOption.AllDirectories).Select(p => Path.GetRelativePath(_scratch, p)).Order()];

    [Fact]
    public void Writes_files_and_folders_with_their_modes_and_times_and_leaves_no_part_files()
    {
        var time = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero);
        var script = FileEntry("report/run.sh", "echo hi");
        script.Mode = (UnixFileMode)0x1ED | UnixFileMode.SetUser;   // 0755 plus setuid, which must not survive
        script.ModificationTime = time;
        var items = Extract(Archive(new PaxTarEntry(TarEntryType.Directory, "report/"), script, FileEntry("report/data.csv", "x,y\n1,2\n")));

        Assert.Equal(["written", "written", "written"], items.Select(Refusal));
        Assert.Equal("x,y\n1,2\n", File.ReadAllText(Path.Combine(Destination, "report/data.csv")));
        string run = Path.Combine(Destination, "report/run.sh");
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(run));
        Assert.Equal(time.UtcDateTime, File.GetLastWriteTimeUtc(run));
        Assert.Equal(["dest", "dest/report", "dest/report/data.csv", "dest/report/run.sh", "outside"], Everything());
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/tmp/agbcode-absolute-escape.txt")]
    public void Refuses_names_that_leave_the_destination(string name)
    {
        var items = Extract(Archive(FileEntry(name, "owned"), FileEntry("fine.txt", "ok")));

        Assert.Equal(["AgbUnsafeName", "written"], items.Select(Refusal));
        Assert.Equal(["dest", "dest/fine.txt", "outside"], Everything());
        Assert.False(File.Exists("/tmp/agbcode-absolute-escape.txt"));
    }

    [Theory]
    [InlineData("/etc/shadow")]
    [InlineData("../outside")]
    [InlineData("sub/../../outside")]
    [InlineData("a/../..")]
    public void Refuses_symbolic_links_that_could_lead_outside(string target)
    {
        var items = Extract(Archive(Link(TarEntryType.SymbolicLink, "link", target)));

        Assert.Equal(["AgbLinkOutside"], items.Select(Refusal));
        Assert.False(Path.Exists(Path.Combine(Destination, "link")));
        Assert.Null(new FileInfo(Path.Combine(Destination, "link")).LinkTarget);
    }

    [Fact]
    public void Keeps_links_that_stay_inside_and_never_writes_through_one()
    {
        var items = Extract(Archive(
            FileEntry("data/x.csv", "1"),
            Link(TarEntryType.SymbolicLink, "latest/current", "../data/x.csv"),
            Link(TarEntryType.SymbolicLink, "shortcut", "data"),
            FileEntry("shortcut/planted.txt", "through a link")));

        Assert.Equal(["written", "written", "written", "AgbDestinationLink"], items.Select(Refusal));
        Assert.Equal("1", File.ReadAllText(Path.Combine(Destination, "latest/current")));
        Assert.False(File.Exists(Path.Combine(Destination, "data/planted.txt")));
    }

    [Fact]
    public void Never_follows_a_link_already_at_the_destination()
    {
        Directory.CreateDirectory(Destination);
        File.CreateSymbolicLink(Path.Combine(Destination, "out"), Outside);
        File.WriteAllText(Path.Combine(Outside, "keep.txt"), "mine");
        File.CreateSymbolicLink(Path.Combine(Destination, "keep.txt"), Path.Combine(Outside, "keep.txt"));

        var items = Extract(Archive(FileEntry("out/x.txt", "planted"), FileEntry("keep.txt", "replaced")), overwrite: true);

        Assert.Equal(["AgbDestinationLink", "written"], items.Select(Refusal));
        Assert.Equal(["keep.txt"], Directory.EnumerateFileSystemEntries(Outside).Select(Path.GetFileName));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Outside, "keep.txt")));
        Assert.Null(new FileInfo(Path.Combine(Destination, "keep.txt")).LinkTarget);   // the link itself was replaced
        Assert.Equal("replaced", File.ReadAllText(Path.Combine(Destination, "keep.txt")));
    }

    [Fact]
    public void Copies_hard_links_to_files_it_wrote_and_refuses_any_other()
    {
        var items = Extract(Archive(
            FileEntry("a.txt", "shared"),
            Link(TarEntryType.HardLink, "b.txt", "a.txt"),
            Link(TarEntryType.HardLink, "passwd", "/etc/passwd"),
            Link(TarEntryType.HardLink, "up", "../outside/x")));

        Assert.Equal(["written", "written", "AgbLinkOutside", "AgbLinkOutside"], items.Select(Refusal));
        Assert.Equal("shared", File.ReadAllText(Path.Combine(Destination, "b.txt")));
        Assert.Equal(["dest", "dest/a.txt", "dest/b.txt", "outside"], Everything());
    }

    [Theory]
    [InlineData(TarEntryType.CharacterDevice)]
    [InlineData(TarEntryType.BlockDevice)]
    [InlineData(TarEntryType.Fifo)]
    public void Refuses_devices_and_fifos(TarEntryType type)
    {
        var node = new PaxTarEntry(type, "node");
        if (type != TarEntryType.Fifo)
            (node.DeviceMajor, node.DeviceMinor) = (1, 3);   // /dev/null
        var items = Extract(Archive(node));

        Assert.Equal(["AgbUnsupportedItem"], items.Select(Refusal));
        Assert.False(Path.Exists(Path.Combine(Destination, "node")));
    }

    [Fact]
    public void Refuses_a_huge_claimed_size_before_writing_a_byte()
    {
        MemoryStream archive = Archive(new UstarTarEntry(TarEntryType.RegularFile, "huge.bin") { DataStream = new MemoryStream(new byte[10]) });
        byte[] bytes = archive.ToArray();
        Encoding.ASCII.GetBytes("77777777777\0").CopyTo(bytes, 124);   // claims 8 GiB, sends 10 bytes
        Encoding.ASCII.GetBytes("        ").CopyTo(bytes, 148);
        int sum = bytes.Take(512).Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(bytes, 148);

        var failure = Assert.Throws<AgbException>(() => Extract(new ForwardOnly(new MemoryStream(bytes))));

        Assert.Equal("AgbCopyTooLarge", failure.ErrorId);
        Assert.Contains("AGBCODE_MAX_COPY_MB", failure.Fix);
        Assert.Equal(["dest", "outside"], Everything());
    }

    [Fact]
    public void A_truncated_archive_fails_and_leaves_no_partial_file()
    {
        MemoryStream whole = Archive(FileEntry("done.txt", "ok"), new PaxTarEntry(TarEntryType.RegularFile, "cut.bin") { DataStream = new MemoryStream(new byte[100_000]) });
        var cut = new MemoryStream(whole.ToArray()[..(int)(whole.Length / 2)]);

        var failure = Assert.Throws<AgbException>(() => Extract(cut));

        Assert.Equal("AgbArchiveInvalid", failure.ErrorId);
        Assert.Equal(["dest", "dest/done.txt", "outside"], Everything());
    }

    [Theory]
    [InlineData("line\nbreak.txt")]
    [InlineData("-rf")]
    [InlineData("--help")]
    [InlineData("with space and ünïcødé ✓.txt")]
    [InlineData("tab\there")]
    public void Odd_names_round_trip(string name)
    {
        // GNU headers: .NET's TarReader cannot read a pax record whose value holds a newline
        var items = Extract(Archive(new GnuTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream("odd"u8.ToArray()) }));

        Assert.Equal(["written"], items.Select(Refusal));
        Assert.Equal("odd", File.ReadAllText(Path.Combine(Destination, name)));
    }

    [Fact]
    public void Refuses_a_name_longer_than_the_file_system_holds_and_shows_control_characters_escaped()
    {
        var items = Extract(Archive(FileEntry(new string('x', 256), "long"), Link(TarEntryType.SymbolicLink, "evil\u001b[2J", "/etc")));

        Assert.Equal(["AgbUnsafeName", "AgbLinkOutside"], items.Select(Refusal));
        Assert.Contains("evil\u241b[2J", items[1].Refusal!.Message);
        Assert.DoesNotContain('\u001b', items[1].Refusal!.Message);
    }

    [Fact]
    public void Keeps_an_existing_file_unless_told_to_overwrite()
    {
        Directory.CreateDirectory(Destination);
        File.WriteAllText(Path.Combine(Destination, "x.txt"), "mine");

        var kept = Extract(Archive(FileEntry("x.txt", "theirs")));
        Assert.Equal(["AgbFileExists"], kept.Select(Refusal));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(Destination, "x.txt")));

        var replaced = Extract(Archive(FileEntry("x.txt", "theirs")), overwrite: true);
        Assert.Equal(["written"], replaced.Select(Refusal));
        Assert.Equal("theirs", File.ReadAllText(Path.Combine(Destination, "x.txt")));
    }

    [Fact]
    public void Bounds_the_total_size_across_entries()
    {
        var failure = Assert.Throws<AgbException>(() => Extract(
            Archive(FileEntry("a", new string('a', 600)), FileEntry("b", new string('b', 600))), limits: new TransferLimits(1000, 10)));

        Assert.Equal("AgbCopyTooLarge", failure.ErrorId);
        Assert.Equal(["dest", "dest/a", "outside"], Everything());
    }

    /// <summary>A stream that can only be read forward, like the pipe from a session.</summary>
    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
