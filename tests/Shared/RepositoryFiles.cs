namespace AgbCode.Tests.Shared;

/// <summary>Files of the repository the tests run from (README, manifests): found above the test assembly.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "AgbCode.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"No AgbCode.sln above {AppContext.BaseDirectory}: the tests read the repository's own files.");
    }
}
