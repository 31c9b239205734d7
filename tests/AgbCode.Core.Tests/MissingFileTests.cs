using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

/// <summary>
/// Recognizing the file a failed run could not open from its error text alone, in the words each language (and R's
/// common readers) use; the texts are those the sandbox's runtimes print.
/// </summary>
public class MissingFileTests
{
    [Theory]
    [InlineData("python", "FileNotFoundError: [Errno 2] No such file or directory: 'data/sales.csv'", "data/sales.csv")]
    [InlineData("python", "FileNotFoundError: [Errno 2] No such file or directory: \"it's.csv\"", "it's.csv")]
    [InlineData("javascript", "Error: ENOENT: no such file or directory, open 'sales.csv'", "sales.csv")]
    [InlineData("javascript", "Error: ENOENT: no such file or directory, scandir 'inbox'", "inbox")]
    [InlineData("javascript", "Error: Cannot find module '/home/sandbox/lib/helpers.mjs' imported from /home/sandbox/", "lib/helpers.mjs")]
    [InlineData("java", "java.nio.file.NoSuchFileException: my sales.csv", "my sales.csv")]
    [InlineData("java", "java.io.FileNotFoundException: my sales.csv (No such file or directory)", "my sales.csv")]
    [InlineData("r", "simpleError: File 'sales.csv' does not exist or is non-readable. getwd()=='/home/sandbox'", "sales.csv")]
    [InlineData("r", "rlang_error: 'sales.csv' does not exist in current working directory ('/home/sandbox').", "sales.csv")]
    public void An_error_text_names_the_file(string language, string errorMessage, string path)
    {
        var result = new EnhancedCodeExecutionResult { Success = false, Language = language, ErrorMessage = errorMessage };

        Assert.Equal(path, MissingFile.Of(result));
    }

    [Fact]
    public void R_names_it_in_the_warning_before_its_error()
    {
        var result = new EnhancedCodeExecutionResult
        {
            Success = false,
            Language = "r",
            ErrorMessage = "simpleError: cannot open the connection",
            Logs = new ExecutionLogs { Stderr = ["Warning message:\nIn file(file, \"rt\") :\n  cannot open file ‘sales.csv’: No such file or directory\n"] },
        };

        Assert.Equal("sales.csv", MissingFile.Of(result));
    }

    [Theory]
    [InlineData("python", "PermissionError: [Errno 13] Permission denied: 'sales.csv'")]
    [InlineData("python", "ENOENT: no such file or directory, open 'sales.csv'")]   // another language's wording
    [InlineData("python", "No such file or directory: 'a\u001b[31mred'")]   // a control character is not part of a name
    [InlineData("javascript", "TypeError: x is not a function")]
    public void Other_errors_name_no_file(string language, string errorMessage)
    {
        var result = new EnhancedCodeExecutionResult { Success = false, Language = language, ErrorMessage = errorMessage };

        Assert.Null(MissingFile.Of(result));
    }

    [Fact]
    public void A_successful_run_names_no_file()
    {
        var result = new EnhancedCodeExecutionResult { Success = true, Language = "python", ErrorMessage = "No such file or directory: 'x'" };

        Assert.Null(MissingFile.Of(result));
    }
}
