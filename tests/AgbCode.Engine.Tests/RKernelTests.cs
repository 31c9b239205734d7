using System.Buffers.Binary;
using System.Diagnostics;
using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The R kernel (Rscript running agb_r_evaluator.R behind agb_supervisor.py) in one real sandboxed session: state,
/// console-like printing, the main result and its representations, stderr for messages and warnings, errors, plots,
/// live output, quit() and interrupts. The tests of this class share one kernel, so each uses its own names.
/// </summary>
public class RKernelTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private Task<EnhancedCodeExecutionResult> R(string code, double timeoutSec = 30, IRunObserver? observer = null, CancellationToken cancellationToken = default) =>
        fixture.Run("r", code, timeoutSec, observer, cancellationToken);

    [Fact]
    public async Task The_first_cell_of_a_new_kernel_already_runs_the_evaluator_as_byte_code()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["r"] });
        // run_cell is on the stack of every cell: its body is byte code when the evaluator was loaded from its .Rc
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest("""
            frames <- sys.calls()
            at <- which(vapply(frames, function(call) identical(call[[1L]], as.name("run_cell")), NA))[1L]
            typeof(.Internal(bodyCode(sys.function(at))))
            """, "r"));

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("[1] \"bytecode\"", result.Text);
    }

    [Fact]
    public async Task The_kernel_sees_the_arguments_and_variables_Rscript_gives_R()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["r"] });
        // The kernel starts R's binary without its front end (RFrontEnd). An Rscript started from the kernel without R's
        // variables (R_*, and LD_LIBRARY_PATH, PWD, SHLVL, which the front end and its bash extend or keep) goes through
        // the front end and Renviron again: it must see what the kernel sees, R_SESSION_TMPDIR (each R's own) aside.
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest("""
            seen <- function() { e <- Sys.getenv(); e <- e[setdiff(names(e), "R_SESSION_TMPDIR")]; list(env = as.list(e), args = commandArgs()) }
            child_script <- file.path(tempdir(), "child.R"); child_seen <- file.path(tempdir(), "child.rds")
            writeLines(c(paste("seen <-", paste(deparse(seen), collapse = "\n")), sprintf("saveRDS(seen(), %s)", deparse(child_seen))), child_script)
            unset <- c(grep("^R_", names(Sys.getenv()), value = TRUE), "LD_LIBRARY_PATH", "PWD", "SHLVL")
            status <- system2("env", c(rbind("-u", unset), "Rscript", "--vanilla", child_script))
            child <- readRDS(child_seen); mine <- seen()
            names_differ <- union(setdiff(names(mine$env), names(child$env)), setdiff(names(child$env), names(mine$env)))
            both <- intersect(names(mine$env), names(child$env))
            values_differ <- both[unlist(mine$env[both]) != unlist(child$env[both])]
            cat("status: ", status, "\nnames: ", toString(sort(names_differ)), "\nvalues: ", toString(sort(values_differ)), "\n", sep = "")
            cat("args: ", identical(head(mine$args, -1), head(child$args, -1)), " ", mine$args[1], "\n", sep = "")
            """, "r"));

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("status: 0\nnames: \nvalues: \nargs: TRUE /usr/lib/R/bin/exec/R\n", result.Stdout);
    }

    [Fact]
    public async Task A_session_s_own_R_HOME_does_not_stop_the_kernel_and_its_library_path_is_kept()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions
        {
            StartLanguages = ["r"],
            Environment = new Dictionary<string, string> { ["R_HOME"] = "/nowhere", ["R_SHARE_DIR"] = "/nowhere", ["LD_LIBRARY_PATH"] = "/opt/mine" },
        });
        // as through R's front end, which sets R's own folders whatever the caller had (RFrontEnd.Imposed)
        EnhancedCodeExecutionResult result = await session.RunAsync(new RunRequest(
            "cat(R.home(), Sys.getenv('R_SHARE_DIR'), Sys.getenv('LD_LIBRARY_PATH'), sd(1:3), sep = '\n')", "r"));

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("/usr/lib/R\n/usr/share/R/share\n/opt/mine\n1\n", result.Stdout);
    }

    [Fact]
    public async Task State_persists_and_the_value_of_the_last_expression_is_the_main_result()
    {
        EnhancedCodeExecutionResult assigned = await R("x <- 42");
        EnhancedCodeExecutionResult printed = await R("print(x)");
        EnhancedCodeExecutionResult computed = await R("a <- 10; print(a); a * 2");

        Assert.True(assigned.Success, assigned.ErrorMessage);
        Assert.Empty(assigned.Results);   // an assignment is invisible: nothing to show
        Assert.Equal("", assigned.Stdout);
        Assert.Equal("[1] 42\n", printed.Stdout);
        Assert.Empty(printed.Results);    // print() writes to stdout and returns invisibly
        Assert.Equal("[1] 10\n", computed.Stdout);
        ExecutionResult main = Assert.Single(computed.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal("[1] 20", main.Text);
        Assert.Equal("20", main.Html);       // repr's representations, as IRkernel sends them
        Assert.Equal("20", main.Markdown);
        Assert.Equal("20", main.Latex);
        Assert.Equal(printed.ExecutionCount + 1, computed.ExecutionCount);
        Assert.Equal("r", computed.Language);
        Assert.False(computed.KernelRestarted);
    }

    [Theory]
    [InlineData("42")]
    [InlineData("0.1 + 0.2")]
    [InlineData("-1e-20")]
    [InlineData("2^53")]
    [InlineData("c(NaN, -Inf)[2]")]
    [InlineData("NA_real_")]
    [InlineData("7L")]
    [InlineData("NA")]
    [InlineData("FALSE")]
    [InlineData("NA_character_")]
    [InlineData("''")]
    [InlineData("'a  b <i>&amp;</i> </script>'")]
    [InlineData("'\\\\textbackslash{} $x^2_i$ 50% #1 & ~ [a] |b| {c}'")]
    [InlineData("'tab\\t quote\\\" \\u00e9 \\U0001F600 \\u0001'")]
    public async Task A_bare_scalar_shows_as_repr_and_jsonlite_show_it(string expression)
    {
        // the evaluator makes a bare scalar's representations itself (agb_r_scalar.R): the same text as the packages
        EnhancedCodeExecutionResult shown = await R($"scalar_shown <- {expression}\nscalar_shown");
        EnhancedCodeExecutionResult packages = await R("""
            cat(repr::repr_html(scalar_shown), repr::repr_markdown(scalar_shown), repr::repr_latex(scalar_shown),
                jsonlite::toJSON(scalar_shown, auto_unbox = TRUE, na = "null", digits = NA, always_decimal = TRUE), sep = "\u0001")
            """);

        Assert.True(packages.Success, packages.ErrorMessage);
        ExecutionResult main = Assert.Single(shown.Results);
        string[] expected = packages.Stdout.Split('\u0001');
        Assert.Equal(expected[0], main.Html);
        Assert.Equal(expected[1], main.Markdown);
        Assert.Equal(expected[2], main.Latex);
        Assert.True(JsonElement.DeepEquals(JsonDocument.Parse(expected[3]).RootElement, JsonData.ToElement(main.Json)),
            $"application/json: {JsonSerializer.Serialize(main.Json)}, jsonlite: {expected[3]}");
        if (main.Json is long or double)   // a double stays a real even when whole (42 is 42.0), an integer does not
            Assert.Equal(expected[3].IndexOfAny(['.', 'e']) >= 0, main.Json is double);
    }

    [Fact]
    public async Task A_number_as_the_result_loads_neither_repr_nor_jsonlite()
    {
        await using var space = new LocalCodeSpace();
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions { StartLanguages = ["r"] });
        EnhancedCodeExecutionResult number = await session.RunAsync(new RunRequest("1 + 1", "r"));
        EnhancedCodeExecutionResult loaded = await session.RunAsync(new RunRequest("c('repr', 'jsonlite') %in% loadedNamespaces()", "r"));
        EnhancedCodeExecutionResult frame = await session.RunAsync(new RunRequest("data.frame(x = 1)", "r"));

        Assert.Equal("[1] 2", number.Text);
        Assert.Equal("2", Assert.Single(number.Results).Html);
        Assert.Equal("[1] FALSE FALSE", loaded.Text);
        Assert.StartsWith("<table", Assert.Single(frame.Results).Html);   // loaded when a value needs it
    }

    [Theory]
    [InlineData("cat('a\", \"execution_count\": 5\\n')", "a\", \"execution_count\": 5\n")]
    [InlineData("cat('back\\\\slash \\\\\\n')", "back\\slash \\\n")]
    [InlineData("cat('é ☃ 😀 \u2028 </x>\t|\\n')", "é ☃ 😀 \u2028 </x>\t|\n")]
    [InlineData("cat(nchar('\u0001\u007f'), '\\n', sep = '')", "2\n")]
    public async Task Code_reaches_the_evaluator_unchanged(string code, string stdout)
    {
        EnhancedCodeExecutionResult result = await R(code);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(stdout, result.Stdout);
    }

    [Fact]
    public async Task A_file_name_with_quotes_and_accents_names_the_error_line()
    {
        EnhancedCodeExecutionResult result = await fixture.Session.RunAsync(
            new RunRequest("named_fail <- function() stop('boom')\nnamed_fail()\n", "r") { SourcePath = "dir/ü \"q\".R" });

        Assert.False(result.Success);
        Assert.Contains("Error in named_fail() (from ü \"q\".R#1) : boom", result.Error!.Traceback);
    }

    [Fact]
    public async Task Earlier_visible_values_are_printed_like_the_console_and_only_the_last_is_the_result()
    {
        EnhancedCodeExecutionResult result = await R("""
            1:3
            'two'
            invisible('hidden')
            c(first = 1.5, second = 2)
            """);
        EnhancedCodeExecutionResult invisibleLast = await R("shown_then_hidden <- 5\nshown_then_hidden\ninvisible(shown_then_hidden)");

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("[1] 1 2 3\n[1] \"two\"\n", result.Stdout);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal(" first second \n   1.5    2.0 ", main.Text);
        Assert.Equal("[1] 5\n", invisibleLast.Stdout);
        Assert.Empty(invisibleLast.Results);
    }

    [Fact]
    public async Task Messages_and_warnings_go_to_stderr_as_the_console_prints_them()
    {
        EnhancedCodeExecutionResult result = await R("""
            message('a message')
            warning('a warning')
            warns <- function() { warning('from inside'); 1 }
            warns()
            for (i in 1:2) warning(paste('loop', i))
            'finished'
            """);

        Assert.True(result.Success, result.ErrorMessage);   // warnings do not stop the cell
        Assert.Equal("[1] 1\n", result.Stdout);
        Assert.Equal(
            "a message\n" +
            "Warning message:\na warning \n" +
            "Warning message:\nIn warns() : from inside\n" +
            "Warning messages:\n1: loop 1 \n2: loop 2 \n",
            result.Stderr);
        Assert.Equal("[1] \"finished\"", result.Text);
    }

    [Theory]
    [InlineData("stop('custom failure')", "simpleError", "custom failure", "Error (from line 2) : custom failure")]
    [InlineData("log('a')", "simpleError", "non-numeric argument to mathematical function", "Error in log(\"a\") (from line 2) : \n  non-numeric argument")]
    [InlineData("stop(structure(class = c('myError', 'error', 'condition'), list(message = 'my message', call = quote(my_call(1)))))",
                "myError", "my message", "Error in my_call(1) (from line 2) : my message")]
    [InlineData("library(surely.not.installed)", "packageNotFoundError", "there is no package called", "Error in library(surely.not.installed)")]
    [InlineData("broken(1,))", "parseError", "unexpected ')'", "unexpected ')'")]
    public async Task Failures_give_the_condition_class_message_and_console_report(string code, string name, string value, string report)
    {
        EnhancedCodeExecutionResult result = await R($"print('before the failure')\n{code}\nprint('not reached')");

        Assert.False(result.Success);
        Assert.Equal(name, result.Error!.Name);
        Assert.Contains(value, result.Error.Value);
        Assert.Contains(report, result.Error.Traceback);
        Assert.DoesNotContain("eval(expr", result.Error.Traceback);   // the evaluator's own frames are not shown
        Assert.DoesNotContain("not reached", result.Stdout);
        if (name == "parseError")
            Assert.Equal("", result.Stdout);   // a syntax error stops the cell before anything runs
        else
            Assert.Equal("[1] \"before the failure\"\n", result.Stdout);
    }

    [Fact]
    public async Task An_error_in_a_function_shows_the_calls_that_led_to_it_and_state_survives()
    {
        EnhancedCodeExecutionResult result = await R("""
            kept_before_error <- 'kept'
            inner_fails <- function() stop('deep failure')
            outer_calls <- function() inner_fails()
            outer_calls()
            kept_before_error <- 'overwritten'
            """);
        EnhancedCodeExecutionResult after = await R("kept_before_error");

        Assert.Equal("simpleError", result.Error!.Name);
        Assert.Equal("deep failure", result.Error.Value);
        Assert.Equal("Error in inner_fails() (from line 2) : deep failure\nCalls: outer_calls -> inner_fails", result.Error.Traceback);
        Assert.Equal("[1] \"kept\"", after.Text);
    }

    [Fact]
    public async Task An_error_in_a_function_of_an_earlier_cell_names_that_cell_and_line()
    {
        EnhancedCodeExecutionResult defined = await R("\nfails_later <- function() {\n  stop('later failure')\n}");
        EnhancedCodeExecutionResult called = await R("fails_later()");

        Assert.Equal($"Error in fails_later() (from cell {defined.ExecutionCount}, line 3) : later failure", called.Error!.Traceback);
    }

    [Fact]
    public async Task A_data_frame_comes_with_text_html_markdown_and_latex()
    {
        EnhancedCodeExecutionResult result = await R("frame <- data.frame(x = 1:3, y = c('a', 'b', 'c'))\nframe");

        ExecutionResult main = Assert.Single(result.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal("  x y\n1 1 a\n2 2 b\n3 3 c", main.Text);
        Assert.StartsWith("<table class=\"dataframe\">", main.Html);
        Assert.Contains("A data.frame: 3 × 2", main.Html);
        Assert.Contains("<td>b</td>", main.Html);
        Assert.Contains("| 2 | b |", main.Markdown);
        Assert.Contains("\\begin{tabular}", main.Latex);
    }

    [Fact]
    public async Task The_documented_linear_model_example_prints_its_summary()
    {
        EnhancedCodeExecutionResult fit = await R("""
            df <- data.frame(x = 1:10, y = c(2.1, 3.9, 6.2, 7.8, 10.1, 12.2, 13.8, 16.1, 18.0, 20.2))
            model <- lm(y ~ x, data = df)
            summary(model)
            """);
        EnhancedCodeExecutionResult next = await R("round(unname(coef(model)[2]), 2)");

        Assert.True(fit.Success, fit.ErrorMessage);
        Assert.Equal("", fit.Stderr);
        Assert.Contains("lm(formula = y ~ x, data = df)", fit.Text);
        Assert.Contains("Coefficients:", fit.Text);
        Assert.Contains("(Intercept)", fit.Text);
        Assert.Contains("Multiple R-squared:", fit.Text);
        Assert.Contains("Residual standard error:", fit.Text);
        Assert.Equal("[1] 2.01", next.Text);   // the model is still there in the next run
    }

    [Fact]
    public async Task Files_another_kernel_wrote_in_the_workspace_can_be_read_and_written_back()
    {
        await fixture.Python("import csv; csv.writer(open('r_shared.csv', 'w', newline='')).writerows([['x', 'y'], [1, 2], [2, 4.1], [3, 5.9]])");
        EnhancedCodeExecutionResult read = await R("shared <- read.csv('r_shared.csv'); write.csv(data.frame(n = nrow(shared)), 'from_r.csv', row.names = FALSE); sum(shared$y)");
        EnhancedCodeExecutionResult back = await fixture.Python("open('from_r.csv').read()");

        Assert.True(read.Success, read.ErrorMessage);
        Assert.Equal("[1] 12", read.Text);
        Assert.Equal("'\"n\"\\n3\\n'", back.Text);
    }

    [Fact]
    public async Task Base_graphics_plots_come_back_as_png_one_per_plot()
    {
        EnhancedCodeExecutionResult result = await R("""
            plot(1:10)
            hist(rnorm(100))
            plot(1:10, main = 'With a line'); abline(h = 5); lines(1:10, 10:1)
            par(mfrow = c(1, 2)); plot(1:3); plot(3:1)
            """);
        EnhancedCodeExecutionResult loop = await R("for (i in 1:3) plot(i, main = paste('plot', i))");

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(4, result.Results.Count);   // the abline() and lines() belong to their plot; two panels are one page
        Assert.All(result.Results, image =>
        {
            Assert.False(image.IsMainResult);
            byte[] png = Convert.FromBase64String(image.Png!);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            Assert.Equal(672, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));   // 7 x 5 in at 96 dpi
            Assert.Equal(480, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
        });
        Assert.Equal("plot without title", result.Results[0].Text);
        Assert.Equal("Plot with title “Histogram of rnorm(100)”", result.Results[1].Text);
        Assert.Equal("Plot with title “With a line”", result.Results[2].Text);
        Assert.Equal(new string?[] { "Plot with title “plot 1”", "Plot with title “plot 2”", "Plot with title “plot 3”" }, loop.Results.Select(r => r.Text));
    }

    [Fact]
    public async Task Plots_are_kept_when_the_cell_fails_or_closes_the_device_and_png_files_are_not_captured()
    {
        EnhancedCodeExecutionResult failed = await R("plot(1:5)\nstop('after the plot')");
        EnhancedCodeExecutionResult closed = await R("plot(1:5)\ninvisible(dev.off())");
        EnhancedCodeExecutionResult toFile = await R("png('r_plot.png'); plot(1:5); invisible(dev.off()); file.exists('r_plot.png')");

        Assert.Equal("after the plot", failed.Error!.Value);
        Assert.NotNull(Assert.Single(failed.Results).Png);
        Assert.NotNull(Assert.Single(closed.Results).Png);
        Assert.Equal("[1] TRUE", Assert.Single(toFile.Results).Text);
        Assert.Null(toFile.Results[0].Png);
    }

    [Fact]
    public async Task Output_arrives_live_not_at_the_end_of_the_cell()
    {
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = fixture.Run("r", """
            for (i in 1:3) { cat(i, "\n"); while (!file.exists(paste0('r-live-', i))) Sys.sleep(0.01) }
            message('to stderr')
            system('echo from a subprocess')
            'done'
            """, timeoutSec: 60, observer: log);
        for (int i = 1; i <= 3; i++)
            await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", $"{i} \n", $"r-live-{i}");
        EnhancedCodeExecutionResult result = await run;

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("1 \n2 \n3 \nfrom a subprocess\n", result.Stdout);
        Assert.Equal("to stderr\n", result.Stderr);
        Assert.Equal("result", log.Events.Last(e => e.Kind != "diagnostic").Kind);
    }

    [Theory]
    [InlineData("while (TRUE) {}")]
    [InlineData("Sys.sleep(100)")]
    public async Task A_timeout_interrupts_the_cell_and_keeps_the_state(string endless)
    {
        await R("survivor <- 'still here'");
        var clock = Stopwatch.StartNew();
        EnhancedCodeExecutionResult timedOut = await R($"cat('started\\n')\n{endless}", timeoutSec: 1);
        clock.Stop();
        EnhancedCodeExecutionResult after = await R("survivor");

        Assert.False(timedOut.Success);
        Assert.Equal("TimeoutError", timedOut.Error!.Name);
        Assert.Contains("interrupted", timedOut.Error.Value);
        Assert.Contains("state was kept", timedOut.Error.Value);
        Assert.Contains("interrupt", timedOut.Error.Traceback);   // the evaluator's own report of the SIGINT
        Assert.Equal("started\n", timedOut.Stdout);
        Assert.True(clock.Elapsed.TotalSeconds >= 0.9, $"ended after {clock.Elapsed}");   // the engine's timer, started after the clock: never more than a timer tick early; how soon after is measured by bench (interrupts)
        Assert.Equal("[1] \"still here\"", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task Cancelling_interrupts_and_the_next_cell_is_not_hit_by_a_late_interrupt()
    {
        await R("before_cancel <- 5");
        var log = new EventLog();
        using var cancel = new CancellationTokenSource();
        Task<EnhancedCodeExecutionResult> run = R("cat('working\\n'); Sys.sleep(60)", observer: log, cancellationToken: cancel.Token);
        await log.WaitForAsync("stdout");
        cancel.Cancel();
        EnhancedCodeExecutionResult cancelled = await run;
        EnhancedCodeExecutionResult next = await R("Sys.sleep(0.3); before_cancel");

        Assert.Equal("CancelledError", cancelled.Error!.Name);
        Assert.True(next.Success, next.ErrorMessage);
        Assert.Equal("[1] 5", next.Text);
    }

    [Fact]
    public async Task Text_is_utf8_and_invalid_bytes_do_not_break_the_protocol()
    {
        EnhancedCodeExecutionResult result = await R("""
            cat('bad', rawToChar(as.raw(c(0x61, 0xff, 0x62))), '\n')
            message(rawToChar(as.raw(c(0xfe, 0x21))))
            'été ☃'
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("bad a\uFFFDb \n", result.Stdout);
        Assert.Equal("\uFFFD!\n", result.Stderr);
        Assert.Equal("[1] \"été ☃\"", result.Text);
    }

    [Fact]
    public async Task Help_pages_print_as_text()
    {
        EnhancedCodeExecutionResult result = await R("?mean");

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Contains("Arithmetic Mean", result.Text);
        Assert.DoesNotContain("\b", result.Text, StringComparison.Ordinal);   // no terminal overstrike
    }

    [Fact]
    public async Task A_comment_only_cell_succeeds_with_nothing_to_show()
    {
        EnhancedCodeExecutionResult result = await R("# nothing to do here");

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Empty(result.Results);
        Assert.Empty(result.Logs.Stdout);
        Assert.Empty(result.Logs.Stderr);
    }
}
