using AgbCode.Core.Files;
using AgbCode.PowerShell.Cmdlets;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Tests;

/// <summary>Where files land: inputs in the workspace, archive entries on this machine, paths inside a session, the view.</summary>
public sealed class FilePlacesTests
{
    [Theory]
    [InlineData("/home/a/report/data.csv", "/home/a/report", "data.csv")]
    [InlineData("/home/a/report/in/x.csv", "/home/a/report", "in/x.csv")]
    [InlineData("/home/a/shared/x.csv", "/home/a/report", "x.csv")]   // outside the script's folder: by name, at the root
    [InlineData("/home/a/report", "/home/a/report", "report")]
    public void Inputs_keep_their_place_relative_to_the_script(string input, string scriptFolder, string expected) =>
        Assert.Equal(expected, RunFiles.PlaceOf(input, scriptFolder));

    [Theory]
    [InlineData("out", "results")]
    [InlineData("out/a/b.csv", "results/a/b.csv")]
    [InlineData("other/x", null)]
    [InlineData("outer", null)]
    public void Archive_entries_take_the_name_they_are_copied_to(string entry, string? expected) =>
        Assert.Equal(expected, CopyAgbItemCommand.Renamed(entry, new Dictionary<string, string> { ["out"] = "results" }));

    [Theory]
    [InlineData("a.txt", ".", "a.txt")]
    [InlineData("out/a.txt", "out", "a.txt")]
    [InlineData("/tmp/x", "/tmp", "x")]
    [InlineData("/tmp", "/", "tmp")]
    [InlineData("out/", ".", "out")]
    public void Session_paths_split_into_folder_and_name(string path, string parent, string leaf)
    {
        Assert.Equal(parent, SessionPath.Parent(path));
        Assert.Equal(leaf, SessionPath.Leaf(path));
    }

    [Fact]
    public void The_view_shows_modes_like_ls_and_escapes_what_the_sandbox_named()
    {
        var link = new WorkspaceItem { Name = "a\u001b]0;owned\u0007", Path = "d/a", Mode = 0x1FF, LinkTarget = "/etc/\nshadow" };
        var folder = new WorkspaceItem { Name = "d", Path = "d", IsDirectory = true, Mode = 0x1ED };

        Assert.Equal("lrwxrwxrwx", WorkspaceItemView.Mode(link));
        Assert.Equal("drwxr-xr-x", WorkspaceItemView.Mode(folder));
        Assert.Equal("a\u241b]0;owned\u2407 -> /etc/\u240ashadow", WorkspaceItemView.Name(link));
        Assert.Equal("d", WorkspaceItemView.Folder(link));
    }
}
