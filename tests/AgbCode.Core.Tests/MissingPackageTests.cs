using AgbCode.Core.Results;

namespace AgbCode.Core.Tests;

/// <summary>
/// Recognizing a missing package from the error text alone, as a remote result carries it (the AGB wire has the error's
/// name and text, not the engine's objects).
/// </summary>
public class MissingPackageTests
{
    [Theory]
    [InlineData("python", "ModuleNotFoundError: No module named 'sklearn.linear_model'", "sklearn")]
    [InlineData("r", "Error in library(forecast) : there is no package called ‘forecast’", "forecast")]
    [InlineData("r", "there is no package called 'forecast'", "forecast")]
    [InlineData("javascript", "Error: Cannot find module 'lodash/fp'\nRequire stack:\n- /home/x.js", "lodash")]
    [InlineData("javascript", "Cannot find package 'left-pad' imported from /home/user/x.mjs", "left-pad")]
    [InlineData("javascript", "Cannot find module '@aws-sdk/client-s3/dist'", "@aws-sdk/client-s3")]
    [InlineData("java", "CompilationError: package com.google.gson does not exist", "com.google.gson")]
    public void A_remote_error_text_names_the_package(string language, string errorMessage, string package)
    {
        var result = new EnhancedCodeExecutionResult { Success = false, Language = language, ErrorMessage = errorMessage };

        Assert.Equal(new MissingPackage(language, package), result.MissingPackage);
    }

    [Theory]
    [InlineData("javascript", "Cannot find module './helpers'")]
    [InlineData("javascript", "Cannot find module '/abs/path.js'")]
    [InlineData("python", "NameError: name 'pandas' is not defined")]
    [InlineData("r", "No module named 'x'")]   // another language's wording
    [InlineData("python", "No module named '\u001b[31mred'")]   // not a plain name: nothing of it reaches the message
    public void Other_errors_name_no_package(string language, string errorMessage)
    {
        var result = new EnhancedCodeExecutionResult { Success = false, Language = language, ErrorMessage = errorMessage };

        Assert.Null(result.MissingPackage);
    }

    [Fact]
    public void A_successful_run_names_no_package_and_the_fix_names_the_language()
    {
        var ok = new EnhancedCodeExecutionResult { Success = true, Language = "python", ErrorMessage = "No module named 'x'" };

        Assert.Null(ok.MissingPackage);
        Assert.StartsWith("The session's image has no Python package 'x'.", new MissingPackage("python", "x").Fix);
    }
}
