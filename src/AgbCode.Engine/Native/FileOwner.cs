using System.Runtime.InteropServices;

namespace AgbCode.Engine.Native;

/// <summary>Who owns a path and its mode bits, read without following a final symbolic link (statx).</summary>
internal readonly partial record struct FileOwner(uint Uid, uint Mode)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7ff;
    private const uint TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;
    public bool IsSymbolicLink => (Mode & TypeMask) == 0xA000;
    public bool IsSticky => (Mode & 0x200) != 0;
    public bool GroupOrOthersMayWrite => (Mode & 0x12) != 0;
    public bool OthersMayEnter => (Mode & 0x5) == 0x5;
    public bool OthersMayTraverse => (Mode & 0x1) != 0;

    public static FileOwner Of(string path)
    {
        // struct statx is the same on every architecture: uid at byte 20, mode (16 bits) at byte 28.
        Span<byte> buffer = stackalloc byte[256];
        if (statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            throw new IOException($"{path}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        return new FileOwner(MemoryMarshal.Read<uint>(buffer[20..]), MemoryMarshal.Read<ushort>(buffer[28..]));
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
