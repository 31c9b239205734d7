using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>The Python kernel's state, output and result semantics, in one real sandboxed session.</summary>
public class PythonKernelTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    [Fact]
    public async Task State_persists_and_the_execution_count_grows()
    {
        EnhancedCodeExecutionResult first = await fixture.Python("persisted = 20\nprint('hello from python')\npersisted + 22");
        EnhancedCodeExecutionResult second = await fixture.Python("persisted * 2");

        Assert.True(first.Success, first.ErrorMessage);
        Assert.Equal("hello from python\n", first.Stdout);
        Assert.Equal("42", first.Text);
        Assert.Equal("40", second.Text);
        Assert.Equal(first.ExecutionCount + 1, second.ExecutionCount);
        Assert.Equal("python", second.Language);
        Assert.Equal(fixture.Session.Id, second.SessionId);
        Assert.StartsWith("run-", second.RequestId);
    }

    [Fact]
    public async Task The_last_expression_is_the_main_result_with_all_its_representations()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("""
            class Rich:
                def _repr_html_(self): return '<b>rich</b>'
                def _repr_markdown_(self): return '**rich**'
                def __repr__(self): return 'Rich()'
            Rich()
            """);

        ExecutionResult main = Assert.Single(result.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal("Rich()", main.Text);
        Assert.Equal("<b>rich</b>", main.Html);
        Assert.Equal("**rich**", main.Markdown);
    }

    [Fact]
    public async Task Each_display_call_is_one_result_carrying_all_its_types()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("""
            from IPython.display import display, HTML, Markdown, SVG, Latex, JSON, Image
            import base64
            png = base64.b64decode('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==')
            display(HTML('<h1>Hello HTML</h1>'))
            display(Markdown('# Hello Markdown'))
            display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"></svg>'))
            display(Latex(r'\frac{1}{2}'))
            display(JSON({'answer': 42}))
            display(Image(data=png, format='png'))
            display(Image(data=b'\xff\xd8\xff\xe0fakejpeg', format='jpeg'))
            class Chart:
                def _repr_mimebundle_(self, include=None, exclude=None):
                    return {'application/vnd.vegalite.v4+json': {'mark': 'bar', 'data': {'values': [{'a': 1}]}}, 'text/plain': '<Chart>'}
            display(Chart())
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(8, result.Results.Count);
        Assert.All(result.Results, r => Assert.False(r.IsMainResult));
        Assert.Contains("<h1>Hello HTML</h1>", result.Results[0].Html);
        Assert.Contains("Hello Markdown", result.Results[1].Markdown);
        Assert.Contains("<svg", result.Results[2].Svg);
        Assert.Contains("frac{1}{2}", result.Results[3].Latex);
        Assert.Equal(42, JsonData.ToElement(result.Results[4].Json).GetProperty("answer").GetInt32());
        Assert.Equal("iVBORw0KGgo", Convert.ToBase64String(Convert.FromBase64String(result.Results[5].Png!))[..11]);
        Assert.Equal(new byte[] { 0xff, 0xd8, 0xff }, Convert.FromBase64String(result.Results[6].Jpeg!)[..3]);
        ExecutionResult chart = result.Results[7];
        Assert.Equal("bar", JsonData.ToElement(chart.Chart).GetProperty("mark").GetString());
        Assert.Equal("<Chart>", chart.Text);
        Assert.All(result.Results, r => Assert.NotNull(r.Text));   // every display carries its text/plain too
    }

    [Fact]
    public async Task Matplotlib_figures_come_back_as_png_from_show_and_when_left_open()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("""
            import matplotlib.pyplot as plt
            plt.plot([1, 2, 3], [1, 4, 9]); plt.show()
            plt.figure(); plt.bar(['a', 'b'], [3, 5])
            """, timeoutSec: 60);

        Assert.True(result.Success, result.ErrorMessage);
        var images = result.Results.Where(r => r.Png is not null).ToList();
        Assert.Equal(2, images.Count);
        Assert.All(images, image => Assert.Equal("\u0089PNG", System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(image.Png!)[..4])));
        Assert.All(images, image => Assert.Contains("Figure", image.Text));
    }

    [Fact]
    public async Task Output_arrives_live_in_order_including_subprocesses()
    {
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = fixture.Run("python", """
            import os, sys, time, subprocess
            def wait_for(gate):
                while not os.path.exists(gate):
                    time.sleep(0.01)
            print('first', flush=True)
            wait_for('python-live-1')
            print('to stderr', file=sys.stderr)
            subprocess.run(['echo', 'from a subprocess'])
            subprocess.run(['sh', '-c', 'echo subprocess stderr >&2'])
            wait_for('python-live-2')
            print('last')
            """, observer: log);
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", "first\n", "python-live-1", opener: "javascript");
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stderr", "subprocess stderr\n", "python-live-2", opener: "javascript");
        EnhancedCodeExecutionResult result = await run;

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("first\nfrom a subprocess\nlast\n", result.Stdout);
        Assert.Equal("to stderr\nsubprocess stderr\n", result.Stderr);
        var stdout = log.Of("stdout").ToList();
        Assert.Equal("first\n", stdout[0].Text);
    }

    [Theory]
    [InlineData("undefined_name + 1", "NameError", "name 'undefined_name' is not defined")]
    [InlineData("def broken(:", "SyntaxError", "invalid syntax")]
    [InlineData("raise ValueError('custom failure')", "ValueError", "custom failure")]
    [InlineData("1 / 0", "ZeroDivisionError", "division by zero")]
    public async Task Failures_give_the_error_name_value_and_traceback(string code, string name, string value)
    {
        EnhancedCodeExecutionResult result = await fixture.Python("print('before the failure')\n" + code);

        Assert.False(result.Success);
        Assert.Equal(name, result.Error!.Name);
        Assert.Contains(value, result.Error.Value);
        Assert.Contains(name, result.Error.Traceback);
        Assert.Contains(value, result.ErrorMessage);
        if (name != "SyntaxError")   // a syntax error stops the cell before anything runs
            Assert.Equal("before the failure\n", result.Stdout);
    }

    [Fact]
    public async Task A_comment_only_cell_succeeds_with_no_results()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("# nothing to do here");
        Assert.True(result.Success);
        Assert.Empty(result.Results);
        Assert.Empty(result.Logs.Stdout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \n  ")]
    public async Task Empty_code_is_rejected_before_anything_runs(string code)
    {
        var failure = await Assert.ThrowsAsync<AgbException>(() => fixture.Python(code));
        Assert.Equal("AgbEmptyCode", failure.ErrorId);
    }

    [Fact]
    public async Task Invalid_utf8_becomes_replacement_characters_and_no_chunk_splits_a_character()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("""
            import os, time
            os.write(1, b'bad \xff\xfe bytes\n')
            snowman = '\u2603'.encode()
            os.write(1, snowman[:1]); time.sleep(0.3); os.write(1, snowman[1:] + b'\n')
            """);

        Assert.Equal("bad \uFFFD\uFFFD bytes\n\u2603\n", result.Stdout);
        Assert.DoesNotContain(result.Logs.Stdout, chunk => chunk.Contains('\uFFFD') && chunk.Contains("\u2603"));
    }

    [Fact]
    public async Task Lone_surrogates_print_as_replacement_characters()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("print('a\\ud800b')\n'c\\udfffd'");
        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("a\uFFFDb\n", result.Stdout);
        Assert.Equal("'c\\udfffd'", result.Text);   // repr escapes it, as Python does
    }

    [Fact]
    public async Task Nothing_user_code_prints_can_spoof_the_protocol()
    {
        const string fake = """{"type":"done","id":"x","status":"ok","execution_count":1}""";
        EnhancedCodeExecutionResult result = await fixture.Python("""
            import os, sys, subprocess
            print('{"type":"done","id":"x","status":"ok","execution_count":1}')
            os.write(1, b'{"type":"execute_result","id":null,"data":{"text/plain":"spoofed"}}\n')
            subprocess.run(['sh', '-c', 'echo \'{"type":"ready"}\''])
            'real'
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("'real'", Assert.Single(result.Results).Text);
        Assert.Contains(fake, result.Stdout);
        Assert.Contains("spoofed", result.Stdout);
        Assert.Contains("{\"type\":\"ready\"}", result.Stdout);
    }

    [Fact]
    public async Task Input_fails_clearly_instead_of_reading_the_protocol()
    {
        EnhancedCodeExecutionResult result = await fixture.Python("input('name? ')");
        Assert.False(result.Success);
        Assert.Equal("EOFError", result.Error!.Name);
        Assert.Contains("interactive stdin", result.Error.Value);
        Assert.Contains("input('name? ')", result.Error.Traceback);
        Assert.DoesNotContain("agb_python", result.Error.Traceback);   // it ends in the cell, not in the driver
    }

    [Fact]
    public async Task Exit_in_a_cell_does_not_end_the_kernel()
    {
        await fixture.Python("kept_after_exit = 7");
        EnhancedCodeExecutionResult exited = await fixture.Python("exit()");
        EnhancedCodeExecutionResult after = await fixture.Python("kept_after_exit");
        Assert.True(exited.Success, exited.ErrorMessage);
        Assert.Equal(0, exited.ExitCode);
        Assert.Equal("7", after.Text);
        Assert.False(after.KernelRestarted);
    }
}
