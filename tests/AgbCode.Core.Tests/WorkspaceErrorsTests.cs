using AgbCode.Core.Errors;

namespace AgbCode.Core.Tests;

/// <summary>The error id a file tool's text ends with: read back only when it is a known workspace error, at the very end.</summary>
public class WorkspaceErrorsTests
{
    [Fact]
    public void A_tagged_text_gives_back_its_message_and_id()
    {
        string text = WorkspaceErrors.Tagged("delete_file: tree is not empty. Remove it with -Recurse.", WorkspaceErrors.FolderNotEmpty);

        Assert.Equal("delete_file: tree is not empty. Remove it with -Recurse. [AgbFolderNotEmpty]", text);
        Assert.Equal(("delete_file: tree is not empty. Remove it with -Recurse.", WorkspaceErrors.FolderNotEmpty), WorkspaceErrors.Untag(text));
        Assert.Equal(AgbErrorKind.InvalidState, WorkspaceErrors.KindOf(WorkspaceErrors.FolderNotEmpty));
        Assert.Equal(AgbErrorKind.NotFound, WorkspaceErrors.KindOf(WorkspaceErrors.ItemNotFound));
    }

    [Theory]
    [InlineData("write_file: failed [AgbSessionNotFound]")]                  // an id, but not a workspace error's
    [InlineData("write_file: failed [AgbFolderNotEmpty] and more text")]      // not at the end
    [InlineData("write_file: failed[AgbFolderNotEmpty]")]                     // not the tag's shape
    [InlineData("write_file: failed [AgbFolderNotEmpty]\n")]
    [InlineData("Failed to write file")]
    public void Any_other_text_is_a_plain_failure(string text) => Assert.Equal((text, (string?)null), WorkspaceErrors.Untag(text));
}
