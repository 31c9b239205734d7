using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>A session whose kernels get environment variables (New-AgbSession -Environment).</summary>
public class EnvironmentSessionFixture : SessionFixture
{
    public const string Quoted = "it's \"quoted\" é";

    protected override SessionOptions Options => new()
    {
        Environment = new Dictionary<string, string> { ["REGION"] = "eu-1", ["QUOTED"] = Quoted, ["EMPTY"] = "" },
    };
}

/// <summary>Values in (variables, arguments, script names, environment) and out (application/json), in every driver.</summary>
public class ValuesTests(EnvironmentSessionFixture fixture) : IClassFixture<EnvironmentSessionFixture>
{
    /// <summary>Every JSON type: unicode, quotes, a backslash and a control character; nested and empty containers.</summary>
    private const string Sample = """
        {"text": "O'Brien \"quoted\" \\ back\nline é 😀 \u0001", "count": 80, "ratio": 1.5, "negative": -7,
         "yes": true, "no": false, "nothing": null, "list": [1, "a", null, 2.5],
         "nested": {"deep": {"deeper": [1, {"x": "y"}]}}, "emptyList": [], "emptyMap": {}}
        """;

    private static Dictionary<string, JsonElement> Variables(string json) =>
        JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());

    private Task<EnhancedCodeExecutionResult> Run(string language, string code, string json) =>
        fixture.Session.RunAsync(new RunRequest(code, language, 60) { Variables = Variables(json) });

    private static JsonElement MainJson(EnhancedCodeExecutionResult result)
    {
        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results, r => r.IsMainResult);
        Assert.NotNull(main.Json);
        return JsonData.ToElement(main.Json);
    }

    private static void AssertSameJson(string expected, JsonElement actual) =>
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected).RootElement, actual), $"expected {expected}\nactual   {actual.GetRawText()}");

    private const string EchoAll = "text, count, ratio, negative, yes, no, nothing, list, nested, emptyList, emptyMap";

    [Fact]
    public async Task Python_gets_native_values_and_gives_them_back_as_json()
    {
        EnhancedCodeExecutionResult result = await Run("python",
            $"names = '{EchoAll}'.split(', ')\n" +
            "({n: globals()[n] for n in names}, [type(globals()[n]).__name__ for n in names])", Sample);

        JsonElement both = MainJson(result);
        AssertSameJson(Sample, both[0]);
        AssertSameJson("""["str","int","float","int","bool","bool","NoneType","list","dict","list","dict"]""", both[1]);
    }

    [Fact]
    public async Task JavaScript_gets_native_values_and_gives_them_back_as_json()
    {
        EnhancedCodeExecutionResult result = await Run("javascript",
            $"const all = {{ {EchoAll} }};\n[all, Object.values(all).map(v => v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)]", Sample);

        JsonElement both = MainJson(result);
        AssertSameJson(Sample, both[0]);
        AssertSameJson("""["string","number","number","number","boolean","boolean","null","array","object","array","object"]""", both[1]);
    }

    [Fact]
    public async Task Java_gets_typed_variables_and_gives_them_back_as_json()
    {
        string puts = string.Concat(EchoAll.Split(", ").Select(n => $"all.put(\"{n}\", {n});\n"));
        EnhancedCodeExecutionResult result = await Run("java",
            "var all = new java.util.LinkedHashMap<String, Object>();\n" + puts +
            "java.util.List<Object> kinds = java.util.Arrays.asList(text.getClass().getSimpleName(), ((Object) count).getClass().getSimpleName(), " +
            "((Object) ratio).getClass().getSimpleName(), ((Object) yes).getClass().getSimpleName(), nothing, list instanceof java.util.List, nested instanceof java.util.Map);\n" +
            "java.util.List.of(all, kinds)", Sample);

        JsonElement both = MainJson(result);
        AssertSameJson(Sample, both[0]);
        AssertSameJson("""["String","Long","Double","Boolean",null,true,true]""", both[1]);
    }

    [Fact]
    public async Task R_gets_vectors_named_lists_and_data_frames_and_gives_them_back_as_json()
    {
        const string sample = """
            {"text": "O'Brien \"quoted\" \\ back\nline é 😀 \u0001", "count": 80, "ratio": 1.5, "yes": true, "nothing": null,
             "numbers": [1, 2, 3], "nested": {"a": {"b": "c"}}, "rows": [{"h": "a", "v": 1}, {"h": "b", "v": 2}],
             "emptyList": [], "emptyMap": {}}
            """;
        EnhancedCodeExecutionResult result = await Run("r", """
            list(all = list(text = text, count = count, ratio = ratio, yes = yes, nothing = nothing, numbers = numbers,
                            nested = nested, rows = rows, emptyList = emptyList, emptyMap = emptyMap),
                 kinds = c(class(text), class(count), class(ratio), class(yes), is.null(nothing), class(numbers),
                           is.list(nested), is.data.frame(rows)))
            """, sample);

        JsonElement both = MainJson(result);
        AssertSameJson(sample, both.GetProperty("all"));
        AssertSameJson("""["character","integer","numeric","logical","TRUE","integer","TRUE","TRUE"]""", both.GetProperty("kinds"));
    }

    [Theory]
    [InlineData("python", "len(big)")]
    [InlineData("javascript", "big.length")]
    [InlineData("java", "big.length()")]
    [InlineData("r", "nchar(big)")]
    public async Task A_value_of_a_mebibyte_arrives_whole(string language, string length)
    {
        string big = string.Concat(Enumerable.Repeat("0123456789abcdé\"'\n", 55_000));   // 1,045,000 chars, ~1.1 MB of UTF-8
        var request = new RunRequest(length, language, 120)
        {
            Variables = new Dictionary<string, JsonElement> { ["big"] = JsonSerializer.SerializeToElement(big) },
            VariableLimits = new() { MaxBytes = 2 * 1024 * 1024 },
        };

        EnhancedCodeExecutionResult result = await fixture.Session.RunAsync(request);

        Assert.Equal(big.Length, MainJson(result).GetInt32());
    }

    [Theory]
    [InlineData("python", "a.b")]
    [InlineData("python", "def")]
    [InlineData("python", "$x")]
    [InlineData("python", "1st")]
    [InlineData("javascript", "function")]
    [InlineData("javascript", "a-b")]
    [InlineData("java", "class")]
    [InlineData("java", "_")]
    [InlineData("java", "args")]
    [InlineData("r", "$x")]
    [InlineData("r", "function")]
    [InlineData("r", ".2x")]
    public async Task A_name_the_language_cannot_hold_is_refused_before_anything_runs(string language, string name)
    {
        var request = new RunRequest("1", language) { Variables = Variables($$"""{"{{name}}": 1}""") };

        AgbException refused = await Assert.ThrowsAsync<AgbException>(() => fixture.Session.RunAsync(request));

        Assert.Equal("AgbInvalidVariableName", refused.ErrorId);
        Assert.Contains(name, refused.Message);
    }

    [Fact]
    public async Task Values_over_the_limit_are_refused_with_the_setting_to_raise_it()
    {
        var request = new RunRequest("1", "python")
        {
            Variables = Variables("""{"data": "0123456789"}"""),
            VariableLimits = new() { MaxBytes = 8 },
        };

        AgbException refused = await Assert.ThrowsAsync<AgbException>(() => fixture.Session.RunAsync(request));

        Assert.Equal("AgbVariableTooLarge", refused.ErrorId);
        Assert.Contains("AGBCODE_MAX_VARIABLE_BYTES", refused.Fix);
    }

    [Fact]
    public async Task Definitions_count_no_execution_and_print_nothing()
    {
        EnhancedCodeExecutionResult before = await fixture.Python("1");
        EnhancedCodeExecutionResult with = await Run("python", "threshold * 2", """{"threshold": 40}""");

        Assert.Equal(before.ExecutionCount + 1, with.ExecutionCount);
        Assert.Equal("80", with.Text);
        Assert.Empty(with.Logs.Stdout);
        Assert.Empty(with.Logs.Stderr);
    }

    public static TheoryData<string, string, string, string> Scripts => new()
    {
        { "python", "checks/x.py", "import sys\nprint(sys.argv, __file__)\n\n1/0\n", "['x.py', 'a b', \"O'Brien\"] x.py" },
        { "javascript", "checks/x.js", "console.log(JSON.stringify(process.argv.slice(1)), __filename);\n\nnull.boom;\n", "[\"x.js\",\"a b\",\"O'Brien\"] x.js" },
        { "r", "checks/x.R", "cat(commandArgs(trailingOnly = TRUE), grep('^--file=', commandArgs(), value = TRUE), sep = '|')\n\nstop('boom')\n", "a b|O'Brien|--file=x.R" },
        { "java", "checks/X.java", "System.out.print(String.join(\"|\", args));\n\nint[] none = null; int boom = none[0];\n", "a b|O'Brien" },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task A_file_run_sees_its_arguments_and_its_own_name(string language, string path, string code, string expected)
    {
        var request = new RunRequest(code, language) { Arguments = ["a b", "O'Brien"], SourcePath = path };

        EnhancedCodeExecutionResult result = await fixture.Session.RunAsync(request);

        Assert.False(result.Success);
        Assert.Equal(expected, result.Stdout.TrimEnd('\n'));
        Assert.DoesNotContain("checks", result.Stdout);   // the host folder stays on the host
    }

    [Theory]
    [InlineData("python", "x.py", "1/0", "x.py:3")]
    [InlineData("javascript", "x.js", "null.boom", "x.js:3")]
    [InlineData("r", "x.R", "log('a')", "Error in log(\"a\") (from x.R#3) :")]
    [InlineData("r", "x.R", "f <- function(n) {\n  stop('boom ', n)\n}\nf(1)", "Error in f(1) (from x.R#4) : boom 1")]
    [InlineData("java", "X.java", "int[] none = null; int boom = none[0];", "(X.java:3)")]
    [InlineData("java", "X.java", "class X {\n  public static void main(String[] args) {\n    Object o = null; o.hashCode();\n  }\n}", "at X.main(X.java:5)")]
    [InlineData("java", "X.java", "int typed = \"text\";", "X.java:3, column 13: error: incompatible types")]
    public async Task A_file_run_traceback_names_the_file_and_line(string language, string path, string code, string expected)
    {
        EnhancedCodeExecutionResult result = await fixture.Session.RunAsync(new RunRequest("\n\n" + code, language) { SourcePath = path });

        Assert.False(result.Success);
        Assert.Contains(expected, result.Error!.Traceback);
        Assert.DoesNotContain("Cell In", result.Error.Traceback);
        Assert.DoesNotContain("cell ", result.Error.Traceback);
    }

    [Fact]
    public async Task An_R_parse_error_names_the_file()
    {
        EnhancedCodeExecutionResult result = await fixture.Session.RunAsync(new RunRequest("x <- 1\n)\n", "r") { SourcePath = "x.R" });

        Assert.False(result.Success);
        Assert.Contains("x.R:2", result.Error!.Value + result.Error.Traceback);
    }

    [Theory]
    [InlineData("python", "import os; [os.environ.get(n) for n in ('REGION', 'QUOTED', 'EMPTY', 'AGBCODE_HOST_ONLY')]")]
    [InlineData("javascript", "['REGION', 'QUOTED', 'EMPTY', 'AGBCODE_HOST_ONLY'].map(n => process.env[n] ?? null)")]
    [InlineData("java", "java.util.Arrays.asList(System.getenv(\"REGION\"), System.getenv(\"QUOTED\"), System.getenv(\"EMPTY\"), System.getenv(\"AGBCODE_HOST_ONLY\"))")]
    [InlineData("r", "lapply(c('REGION', 'QUOTED', 'EMPTY', 'AGBCODE_HOST_ONLY'), function(n) if (is.na(v <- Sys.getenv(n, NA))) NULL else v)")]
    public async Task Kernels_see_the_session_environment_and_nothing_of_the_host(string language, string code)
    {
        System.Environment.SetEnvironmentVariable("AGBCODE_HOST_ONLY", "leaked");

        EnhancedCodeExecutionResult result = await fixture.Run(language, code);

        AssertSameJson($$"""["eu-1", {{JsonSerializer.Serialize(EnvironmentSessionFixture.Quoted)}}, "", null]""", MainJson(result));
    }

    [Theory]
    [InlineData("python", "(1, 'two', [3.5, None], {'k': True})", """[1, "two", [3.5, null], {"k": true}]""")]
    [InlineData("r", "data.frame(h = c('a', 'b'), v = 1:2)", """[{"h": "a", "v": 1}, {"h": "b", "v": 2}]""")]
    [InlineData("r", "c(a = 1.5, b = 2)", """[1.5, 2]""")]
    [InlineData("java", "record Point(int x, String label) {}\nnew Object[] { new Point(1, \"a\"), new int[] {2, 3}, 'c', 4.5f, null }", """[{"x": 1, "label": "a"}, [2, 3], "c", 4.5, null]""")]
    [InlineData("javascript", "({ list: [1, 'two'], none: null })", """{"list": [1, "two"], "none": null}""")]
    public async Task Plain_data_comes_back_as_json_beside_its_text(string language, string code, string expected)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, code);

        AssertSameJson(expected, MainJson(result));
        Assert.NotNull(result.Text);
    }

    [Theory]
    [InlineData("python", "{1, 2}")]
    [InlineData("python", "object()")]
    [InlineData("python", "[*range(300000)]")]   // JSON over 1 MiB: text only
    [InlineData("r", "lm(dist ~ speed, data = cars)")]
    [InlineData("java", "new Object()")]
    [InlineData("java", "java.util.Map.of(1, 2)")]
    [InlineData("javascript", "let v = []; for (let i = 0; i < 70; i++) v = [v]; v")]   // deeper than 32: text, and the kernel lives
    [InlineData("python", "v = []\nfor i in range(70): v = [v]\nv")]
    public async Task Other_values_and_values_too_large_come_back_as_text_only(string language, string code)
    {
        EnhancedCodeExecutionResult result = await fixture.Run(language, code);
        EnhancedCodeExecutionResult after = await fixture.Run(language, "1");

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results, r => r.IsMainResult);
        Assert.Null(main.Json);
        Assert.NotNull(main.Text);
        Assert.False(after.KernelRestarted);
    }
}
