using AgbCode.Core.Errors;
using AgbCode.Core.Images;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Images;

/// <summary>
/// Refuses an extra library folder a sandbox could change or that leads into the engine's own state: the folder and its
/// language folders must be real folders owned by root (or the engine's user) and writable by no one else, and so must
/// every folder above it (sticky ones such as /tmp aside); never inside the engine's state or workspace folders.
/// </summary>
internal static class ImageFolderCheck
{
    public static void Check(string image, string folder, IEnumerable<string> forbiddenRoots)
    {
        foreach (string root in forbiddenRoots.Select(Path.GetFullPath))
        {
            if (folder == root || folder.StartsWith(root.TrimEnd('/') + "/", StringComparison.Ordinal) || root.StartsWith(folder + "/", StringComparison.Ordinal))
                throw Invalid(image, $"{folder} overlaps the engine's state folder {root}, where sessions' workspaces live",
                    "Keep image folders elsewhere, e.g. under /etc/agbcode/images.");
        }
        IEnumerable<string> libraries = CodeImage.Libraries.Values.SelectMany(l => new[] { Path.GetDirectoryName(l)!, l })
            .Where(l => l.Length > 0).Distinct().Select(l => Path.Combine(folder, l));
        foreach (string path in libraries.Where(p => Path.Exists(p) || new FileInfo(p).LinkTarget is not null).Prepend(folder))
            CheckOwnFolder(image, path);
        for (string? above = Path.GetDirectoryName(folder); above is not null; above = Path.GetDirectoryName(above))
        {
            FileOwner owner = FileOwner.Of(above);
            if (!IsTrusted(owner.Uid) || (owner.GroupOrOthersMayWrite && !owner.IsSticky))
                throw Invalid(image, $"{above}, a folder above {folder}, can be changed by uid {owner.Uid} or others",
                    "Put the image folder under folders only root can write.");
            if (Libc.IsRoot && !owner.OthersMayTraverse)
                throw Invalid(image, $"{above}, a folder above {folder}, cannot be passed through by the sessions' users",
                    $"chmod o+x {above}, or put the image folder elsewhere (e.g. /etc/agbcode/images).");
        }
    }

    private static void CheckOwnFolder(string image, string path)
    {
        FileOwner owner = FileOwner.Of(path);
        if (owner.IsSymbolicLink || !owner.IsDirectory)
            throw Invalid(image, $"{path} is not a folder (a symbolic link or a file)", $"Make {path} a real folder.");
        if (!IsTrusted(owner.Uid))
            throw Invalid(image, $"{path} belongs to uid {owner.Uid}", $"chown -R root: {path}");
        if (owner.GroupOrOthersMayWrite)
            throw Invalid(image, $"{path} can be written by its group or by others", $"chmod -R go-w {path}");
        if (Libc.IsRoot && !owner.OthersMayEnter)
            throw Invalid(image, $"{path} cannot be read by the sessions' users", $"chmod -R o+rX {path}");
    }

    private static bool IsTrusted(uint uid) => uid == 0 || uid == Libc.geteuid();

    private static AgbException Invalid(string image, string cause, string fix) =>
        new(AgbErrorKind.Platform, ImageErrors.InvalidImageId, $"The image '{image}' cannot be used: {cause}.", fix);
}
