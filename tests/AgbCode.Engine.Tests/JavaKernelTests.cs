using System.Diagnostics;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Java kernel (JShell's local engine behind agb_supervisor.py) in one real sandboxed session: state, results,
/// errors, live output, display, exit, memory and interrupts. Generous timeouts: a JVM start is part of the first run.
/// </summary>
public class JavaKernelTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private const string OnePixelPng = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

    private Task<EnhancedCodeExecutionResult> Java(string code, double timeoutSec = 60, IRunObserver? observer = null, CancellationToken cancellationToken = default) =>
        fixture.Run("java", code, timeoutSec, observer, cancellationToken);

    // ---- state ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Variables_methods_records_and_imports_persist_across_runs()
    {
        EnhancedCodeExecutionResult first = await Java("""
            import java.time.LocalDate;
            int base = 40;
            String greet(String name) { return "hi " + name; }
            record Point(int x, int y) { int sum() { return x + y; } }
            interface Shape { double area(); }
            class Square implements Shape { public double area() { return 4.0; } }
            System.out.println(greet("java"));
            """);
        EnhancedCodeExecutionResult second = await Java(
            """base + new Point(1, 1).sum() + " " + greet("again") + " " + LocalDate.of(2024, 2, 29).getDayOfYear() + " " + new Square().area()""");

        Assert.True(first.Success, first.ErrorMessage);
        Assert.Equal("hi java\n", first.Stdout);
        Assert.Empty(first.Results);   // declarations and a void call: nothing to show
        Assert.True(second.Success, second.ErrorMessage);
        Assert.Equal("\"42 hi again 60 4.0\"", second.Text);
        Assert.Equal(first.ExecutionCount + 1, second.ExecutionCount);
        Assert.Equal("java", second.Language);
        Assert.Equal(fixture.Session.Id, second.SessionId);
    }

    [Theory]
    [InlineData(true)]    // started ahead, as a spare: the warm-up runs while no request waits
    [InlineData(false)]   // started by its first run: the waiting request cuts the warm-up short
    public async Task A_new_kernel_s_namespace_holds_no_warm_up_snippet_whether_the_warm_up_ran_or_was_cut_short(bool startedAhead)
    {
        await fixture.InNewSession(new SessionOptions { StartLanguages = startedAhead ? ["java"] : [] }, async session =>
        {
            EnhancedCodeExecutionResult variable = await session.RunAsync(new RunRequest("$agbWarm", "java", 120));
            EnhancedCodeExecutionResult type = await session.RunAsync(new RunRequest("new $AgbWarm()", "java", 60));
            EnhancedCodeExecutionResult imports = await session.RunAsync(new RunRequest("new ArrayList<>(List.of(1, 2)).size()", "java", 60));

            Assert.False(variable.Success);
            Assert.Contains("cannot find symbol", variable.ErrorMessage);
            Assert.False(type.Success);
            Assert.Contains("cannot find symbol", type.ErrorMessage);
            Assert.True(imports.Success, imports.ErrorMessage);   // the default imports are there either way
            Assert.Equal("2", imports.Text);
        });
    }

    [Fact]
    public async Task A_cell_that_writes_the_import_the_default_imports_are_known_by_keeps_the_others()
    {
        // the twelve default imports are one JShell snippet, which JShell knows by its first import: writing that import
        // replaces the snippet, and the evaluator imports the other eleven again before the cell's next snippet
        await fixture.InNewSession(new SessionOptions(), async session =>
        {
            EnhancedCodeExecutionResult sameCell = await session.RunAsync(new RunRequest(
                "import static agb.Display.display;\nnew BigInteger(\"12\").add(BigInteger.ONE)", "java", 120));
            EnhancedCodeExecutionResult later = await session.RunAsync(new RunRequest(
                "new ArrayList<>(List.of(1, 2)).size() + Stream.of(1).count() + (Files.exists(Path.of(\"/\")) ? 1 : 0)", "java", 60));
            EnhancedCodeExecutionResult helper = await session.RunAsync(new RunRequest("Display.html(\"<b>x</b>\");\ndisplay(1);", "java", 60));

            Assert.True(sameCell.Success, sameCell.ErrorMessage);
            Assert.Equal("13", sameCell.Text);
            Assert.True(later.Success, later.ErrorMessage);
            Assert.Equal("4", later.Text);
            Assert.True(helper.Success, helper.ErrorMessage);
            Assert.Equal(["<b>x</b>", null], helper.Results.Select(r => r.Html));
            Assert.Equal("1", helper.Results[1].Text);
        });
    }

    [Fact]
    public async Task A_class_of_the_user_s_named_Display_replaces_the_helper_s_name_and_later_cells_still_run()
    {
        await fixture.InNewSession(new SessionOptions(), async session =>
        {
            EnhancedCodeExecutionResult declared = await session.RunAsync(new RunRequest(
                "class Display { static String show() { return \"mine\"; } }", "java", 120));
            EnhancedCodeExecutionResult later = await session.RunAsync(new RunRequest("Display.show() + List.of(1).size()", "java", 60));
            EnhancedCodeExecutionResult helper = await session.RunAsync(new RunRequest("display(7);", "java", 60));

            Assert.True(declared.Success, declared.ErrorMessage);
            Assert.True(later.Success, later.ErrorMessage);
            Assert.Equal("\"mine1\"", later.Text);
            Assert.True(helper.Success, helper.ErrorMessage);
            Assert.Equal("7", Assert.Single(helper.Results).Text);
        });
    }

    [Fact]
    public async Task A_later_declaration_replaces_an_earlier_one()
    {
        await Java("int redeclared = 1;\nString version() { return \"old\"; }");
        EnhancedCodeExecutionResult result = await Java("""
            String redeclared = "now a string";
            String version() { return "new"; }
            redeclared + " " + version()
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("\"now a string new\"", result.Text);
    }

    [Fact]
    public async Task The_AGB_documentation_examples_work()
    {
        EnhancedCodeExecutionResult sum = await Java(
            """int[] arr = {10, 20, 30}; int sum = 0; for (int i : arr) sum += i; System.out.println("Array sum: " + sum);""");
        await Java("int counter = 42;");
        EnhancedCodeExecutionResult counter = await Java("counter += 8; counter");

        Assert.True(sum.Success, sum.ErrorMessage);
        Assert.Equal("Array sum: 60\n", sum.Stdout);
        Assert.Empty(sum.Results);
        Assert.True(counter.Success, counter.ErrorMessage);
        Assert.Equal("50", counter.Text);
    }

    // ---- results ----------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("var sorted = new ArrayList<>(List.of(3, 1, 2)); Collections.sort(sorted); sorted", "[1, 2, 3]")]
    [InlineData("\"text\"", "\"text\"")]
    [InlineData("'c'", "'c'")]
    [InlineData("new int[] {1, 2, 3}", "int[3] { 1, 2, 3 }")]
    [InlineData("new int[][] {{1}, {2, 3}}", "int[2][] { int[1] { 1 }, int[2] { 2, 3 } }")]
    [InlineData("new String[] {\"a\", null}", "String[2] { \"a\", null }")]
    [InlineData("new Object[0]", "Object[0] {  }")]
    [InlineData("3.0 / 2", "1.5")]
    [InlineData("Stream.of(\"b\", \"a\").sorted().collect(Collectors.joining(\",\"))", "\"a,b\"")]
    [InlineData("int shown = 4;\nshown * shown", "16")]
    public async Task The_value_of_a_final_expression_is_the_main_result(string code, string text)
    {
        EnhancedCodeExecutionResult result = await Java(code);

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal(text, main.Text);
    }

    [Fact]
    public async Task A_large_array_shows_its_length_and_first_thousand_elements()
    {
        // 20 million longs take 160 MB; their whole text, and their JSON as boxed numbers, took more than the heap had left
        EnhancedCodeExecutionResult result = await Java("LongStream.range(0, 20_000_000).toArray()");

        Assert.True(result.Success, result.ErrorMessage);
        ExecutionResult main = Assert.Single(result.Results);
        Assert.StartsWith("long[20000000] { 0, 1, 2,", main.Text);
        Assert.EndsWith(", 998, 999, ... }", main.Text);
        Assert.Null(main.Json);   // over the JSON limit: known before it was copied
    }

    [Fact]
    public async Task Values_that_earlier_cells_showed_do_not_stay_on_the_heap()
    {
        // an expression's value sits in a static field of its wrapper class, which stays loaded: with 100 MB values the
        // 256 MB heap of this session ran out at the third cell, and setting variables to null could not help
        await fixture.InNewSession(new SessionOptions { Limits = SessionLimits.Default with { MemoryBytes = 512 * SessionLimits.MiB } }, async session =>
        {
            for (int i = 0; i < 6; i++)
            {
                EnhancedCodeExecutionResult shown = await session.RunAsync(new RunRequest("java.nio.ByteBuffer.allocate(100_000_000)", "java", 120));
                Assert.True(shown.Success, $"cell {i + 1}: {shown.ErrorMessage}");
                Assert.Equal("java.nio.HeapByteBuffer[pos=0 lim=100000000 cap=100000000]", shown.Text);
            }
        });
    }

    [Theory]
    [InlineData("int declaredOnly = 5;")]
    [InlineData("int declaredWithoutSemicolon = 5")]
    [InlineData("int assigned = 1;\nassigned = 2")]
    [InlineData("int bumped = 1;\nbumped += 2")]
    [InlineData("int incremented = 1;\nincremented++")]
    [InlineData("int[] cells = new int[2];\ncells[0] = 3")]
    [InlineData("System.out.println(\"a void call\")")]
    [InlineData("1 + 1;\nint lastIsADeclaration = 0;")]
    [InlineData("// only a comment")]
    public async Task Declarations_assignments_and_void_calls_have_no_result(string code)
    {
        EnhancedCodeExecutionResult result = await Java(code);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Empty(result.Results);
    }

    [Fact]
    public async Task A_cell_that_is_a_whole_program_runs_its_main()
    {
        EnhancedCodeExecutionResult program = await Java("""
            package demo.app;

            import java.util.*;

            public class HelloProgram {
                public static void main(String[] args) {
                    System.out.println("Hello from a program, args=" + Arrays.toString(args));
                }
            }
            """);
        EnhancedCodeExecutionResult again = await Java("HelloProgram.main(new String[] {\"x\"})");

        Assert.True(program.Success, program.ErrorMessage);
        Assert.Equal("Hello from a program, args=[]\n", program.Stdout);
        Assert.Equal("Hello from a program, args=[x]\n", again.Stdout);
    }

    // ---- errors -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_compile_error_names_the_line_and_column_in_the_cell_and_stops_the_cell()
    {
        EnhancedCodeExecutionResult result = await Java("""
            System.out.println("before");
            int notAnInt = "text";
            System.out.println("never");
            """);

        Assert.False(result.Success);
        Assert.Equal("CompilationError", result.Error!.Name);
        Assert.Equal("incompatible types: java.lang.String cannot be converted to int", result.Error.Value);
        Assert.Contains($"cell {result.ExecutionCount}, line 2, column 16: error: incompatible types", result.Error.Traceback);
        Assert.Contains("int notAnInt = \"text\";", result.Error.Traceback);
        Assert.Equal("before\n", result.Stdout);   // snippets run one after the other: the one before the error ran
    }

    [Theory]
    [InlineData("undefinedName + 1", "cannot find symbol")]
    [InlineData("class Unclosed {\n  int field;\n", "reached end of file while parsing")]
    [InlineData("String s = 5;", "incompatible types: int cannot be converted to java.lang.String")]
    public async Task Compile_errors_carry_the_compiler_message(string code, string message)
    {
        EnhancedCodeExecutionResult result = await Java(code);

        Assert.False(result.Success);
        Assert.Equal("CompilationError", result.Error!.Name);
        Assert.Contains(message, result.Error.Value);
        Assert.Contains("error: " + message, result.Error.Traceback);
    }

    [Theory]
    [InlineData("int zero = 0;\nint boom = 10 / zero;", "java.lang.ArithmeticException", "/ by zero")]
    [InlineData("String nothing = null;\nnothing.length();", "java.lang.NullPointerException", "because \"nothing\" is null")]
    [InlineData("int[] small = new int[1];\nsmall[3] = 1;", "java.lang.ArrayIndexOutOfBoundsException", "Index 3 out of bounds for length 1")]
    [InlineData("throw new IllegalStateException(\"custom failure\");", "java.lang.IllegalStateException", "custom failure")]
    public async Task An_uncaught_exception_fails_the_cell_and_keeps_the_output_before_it(string code, string name, string value)
    {
        EnhancedCodeExecutionResult result = await Java("System.out.println(\"before the failure\");\n" + code + "\nSystem.out.println(\"after the failure\");");

        Assert.False(result.Success);
        Assert.Equal(name, result.Error!.Name);
        Assert.Contains(value, result.Error.Value);
        Assert.StartsWith(name + ": ", result.Error.Traceback);
        Assert.Contains($"(cell {result.ExecutionCount}, line ", result.Error.Traceback);
        Assert.Contains(value, result.ErrorMessage);
        Assert.Equal("before the failure\n", result.Stdout);
        Assert.DoesNotContain("$JShell", result.Error.Traceback);
    }

    [Fact]
    public async Task A_lambda_made_by_a_finished_statement_still_runs_and_names_its_cell()
    {
        // The statement that made the lambda is dropped from JShell after its cell (finished snippets are not kept);
        // its class and its place in the user's code must stay.
        await Java("java.util.function.IntSupplier lateFailure;");
        EnhancedCodeExecutionResult made = await Java("lateFailure = () -> {\n    throw new IllegalStateException(\"late\");\n};");
        EnhancedCodeExecutionResult result = await Java("lateFailure.getAsInt()");

        Assert.True(made.Success, made.ErrorMessage);
        Assert.False(result.Success);
        Assert.Equal("java.lang.IllegalStateException", result.Error!.Name);
        Assert.Contains($"(cell {made.ExecutionCount}, line 2)", result.Error.Traceback);
    }

    [Fact]
    public async Task A_local_class_of_a_finished_statement_still_loads_in_a_later_cell()
    {
        // A finished statement's class files leave javac's store (CompiledClasses); the class loader keeps its own copy.
        await Java("Runnable later;");
        EnhancedCodeExecutionResult made = await Java(
            "later = () -> {\n    class Late { public String toString() { return \"late \" + new Object() { }.getClass().isAnonymousClass(); } }\n    System.out.println(new Late());\n};");
        EnhancedCodeExecutionResult expressions = await Java("1 + 1");
        EnhancedCodeExecutionResult result = await Java("later.run();");

        Assert.True(made.Success, made.ErrorMessage);
        Assert.Equal("2", expressions.Text);
        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("late true\n", result.Stdout);
    }

    [Fact]
    public async Task JShell_s_completion_indexer_stays_suspended_between_cells()
    {
        // UnindexedAnalysis. JShell suspends its indexer during each eval and lets it list the JDK and the class path
        // between cells; the evaluator keeps it suspended. A thread the first cell starts watches the indexer while no
        // cell runs: suspended, it sits in JShell's wait; left running, it is seen listing classes or, done, gone.
        EnhancedCodeExecutionResult started = await Java("""
            Set<String> indexerStates = ConcurrentHashMap.newKeySet();
            Thread watcher = new Thread(() -> {
                for (int sample = 0; sample < 150; sample++) {
                    String state = "no indexer thread";
                    for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
                        String frames = Arrays.toString(stack);
                        if (frames.contains("SourceCodeAnalysisImpl.refreshIndexes"))
                            state = frames.contains("SourceCodeAnalysisImpl.waitIndexingNotSuspended") ? "suspended" : "indexing";
                    }
                    indexerStates.add(state);
                    try { Thread.sleep(10); } catch (InterruptedException e) { return; }
                }
            });
            watcher.start();
            """);
        await Task.Delay(TimeSpan.FromSeconds(2));   // no cell runs: an indexer JShell had resumed would work now
        EnhancedCodeExecutionResult seen = await Java("watcher.join();\nnew TreeSet<>(indexerStates).toString()", 120);

        Assert.True(started.Success, started.ErrorMessage);
        Assert.True(seen.Success, seen.ErrorMessage);
        Assert.Equal("\"[suspended]\"", seen.Text);
    }

    [Fact]
    public async Task A_declaration_beside_expressions_in_one_cell_stays_after_they_are_dropped()
    {
        EnhancedCodeExecutionResult first = await Java("int kept = 20;\nkept + 1;\nint twice() { return kept * 2; }\ntwice()");
        EnhancedCodeExecutionResult second = await Java("twice() + kept");

        Assert.True(first.Success, first.ErrorMessage);
        Assert.Equal("40", first.Text);
        Assert.True(second.Success, second.ErrorMessage);
        Assert.Equal("60", second.Text);
    }

    [Fact]
    public async Task A_user_exception_shows_its_own_name_the_cell_lines_and_its_cause()
    {
        EnhancedCodeExecutionResult declared = await Java("""
            class ValidationError extends RuntimeException {
                ValidationError(String message, Throwable cause) { super(message, cause); }
            }
            void validate(String input) {
                throw new ValidationError("bad input: " + input, new NumberFormatException("not a number"));
            }
            """);
        EnhancedCodeExecutionResult result = await Java("int ok = 1;\nvalidate(\"x\");");

        Assert.True(declared.Success, declared.ErrorMessage);
        Assert.False(result.Success);
        Assert.Equal("ValidationError", result.Error!.Name);
        Assert.Equal("bad input: x", result.Error.Value);
        Assert.Contains($"at validate(cell {declared.ExecutionCount}, line 5)", result.Error.Traceback);
        Assert.Contains($"(cell {result.ExecutionCount}, line 2)", result.Error.Traceback);
        Assert.Contains("Caused by: java.lang.NumberFormatException: not a number", result.Error.Traceback);
        Assert.DoesNotContain("REPL.", result.Error.Traceback);
        Assert.DoesNotContain("agb.", result.Error.Traceback);   // the evaluator's own frames are left out
    }

    [Fact]
    public async Task A_method_that_uses_something_undeclared_is_noted_and_fails_only_when_called()
    {
        EnhancedCodeExecutionResult defined = await Java("double circle(double r) { return PI_ISH * r * r; }");
        EnhancedCodeExecutionResult called = await Java("circle(1)");
        EnhancedCodeExecutionResult fixedUp = await Java("double PI_ISH = 3.0;\ncircle(2)");

        Assert.True(defined.Success, defined.ErrorMessage);
        Assert.Contains("note: method circle(double) was defined, but cannot be invoked until variable PI_ISH is declared", defined.Stderr);
        Assert.Equal("UnresolvedReferenceException", called.Error!.Name);
        Assert.Contains("until variable PI_ISH is declared", called.Error.Value);
        Assert.Equal("12.0", fixedUp.Text);
    }

    [Fact]
    public async Task Deep_recursion_is_a_StackOverflowError_with_a_folded_traceback()
    {
        EnhancedCodeExecutionResult result = await Java("int down(int n) { return down(n + 1) + 1; }\ndown(0)");
        EnhancedCodeExecutionResult after = await Java("\"alive\"");

        Assert.Equal("java.lang.StackOverflowError", result.Error!.Name);
        Assert.Contains("repeated", result.Error.Traceback);
        Assert.True(result.Error.Traceback.Split('\n').Length < 20, result.Error.Traceback);
        Assert.Equal("\"alive\"", after.Text);
    }

    // ---- exit, memory -----------------------------------------------------------------------------------------------

    [Fact]
    public async Task Filling_the_heap_is_an_OutOfMemoryError_of_the_cell_and_the_kernel_recovers()
    {
        await Java("int beforeTheBomb = 1;");
        EnhancedCodeExecutionResult bomb = await Java("""
            List<long[]> hog = new ArrayList<>();
            while (true) hog.add(new long[1_000]);
            """, timeoutSec: 120);
        EnhancedCodeExecutionResult stillFull = await Java("beforeTheBomb + 1");   // the variable still holds the heap
        EnhancedCodeExecutionResult freed = await Java("hog = null;\nbeforeTheBomb + 2");
        EnhancedCodeExecutionResult big = await Java("new long[10_000_000].length");

        Assert.False(bomb.Success);
        Assert.Equal("java.lang.OutOfMemoryError", bomb.Error!.Name);
        Assert.Equal("Java heap space", bomb.Error.Value);
        Assert.Contains("set them to null", bomb.Error.Traceback);
        Assert.Equal("2", stillFull.Text);
        Assert.Equal("3", freed.Text);
        Assert.Equal("10000000", big.Text);
        Assert.False(big.KernelRestarted);
    }

    // ---- output -----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Output_arrives_live_line_by_line()
    {
        // Both kernels are up before the run: on a loaded machine a JVM and a Python start can take most of a minute,
        // which is not what this test is about. The run's timeout is far off: the gates, not the clock, prove liveness.
        await Task.WhenAll(Java("1"), fixture.Python("1"));
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = Java("""
            for (int tick = 0; tick < 3; tick++) {
                System.out.println("tick " + tick);
                while (!java.nio.file.Files.exists(java.nio.file.Path.of("java-live-" + tick)))
                    Thread.sleep(10);
            }
            """, timeoutSec: 600, observer: log);
        for (int tick = 0; tick < 3; tick++)
            await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", $"tick {tick}\n", $"java-live-{tick}");
        EnhancedCodeExecutionResult result = await run;

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("tick 0\ntick 1\ntick 2\n", result.Stdout);
    }

    [Fact]
    public async Task A_partial_line_arrives_without_waiting_for_its_newline()
    {
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = Java("""
            System.out.print("partial");
            while (!java.nio.file.Files.exists(java.nio.file.Path.of("java-partial"))) Thread.sleep(10);
            System.out.println(" done");
            """, observer: log);
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", "partial", "java-partial");
        EnhancedCodeExecutionResult result = await run;

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("partial done\n", result.Stdout);
        Assert.Equal("partial", log.Of("stdout").First().Text);
    }

    [Fact]
    public async Task Stdout_stderr_and_child_processes_keep_their_order()
    {
        EnhancedCodeExecutionResult result = await Java("""
            System.out.println("java first");
            System.err.println("java err");
            new ProcessBuilder("sh", "-c", "echo from child; echo child err >&2").inheritIO().start().waitFor();
            System.out.println("java last");
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("java first\nfrom child\njava last\n", result.Stdout);
        Assert.Equal("java err\nchild err\n", result.Stderr);
    }

    [Fact]
    public async Task Unicode_output_and_results_survive_and_lone_surrogates_become_replacement_characters()
    {
        EnhancedCodeExecutionResult result = await Java("System.out.println(\"héllo ☃ 😀\");\n\"😀\" + \"\\ud800\"");

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("héllo ☃ 😀\n", result.Stdout);
        Assert.Equal("\"😀\uFFFD\"", result.Text);
    }

    [Fact]
    public async Task Output_of_a_thread_that_outlives_its_cell_goes_to_the_next_run()
    {
        EnhancedCodeExecutionResult started = await Java("""
            new Thread(() -> {
                try { Thread.sleep(300); } catch (InterruptedException e) { }
                System.out.println("printed between runs");
                try { java.nio.file.Files.createFile(java.nio.file.Path.of("late-printed")); } catch (java.io.IOException e) { }
            }).start();
            """);
        await fixture.WaitForFileAsync("late-printed");   // printed after the run ended, before the next one
        EnhancedCodeExecutionResult next = await Java("System.out.println(\"next run\");");

        Assert.True(started.Success, started.ErrorMessage);
        Assert.Equal("", started.Stdout);   // the cell ended when its own code did, not when the thread did
        Assert.Equal("printed between runs\nnext run\n", next.Stdout);
    }

    [Fact]
    public async Task Nothing_user_code_prints_can_spoof_the_protocol()
    {
        EnhancedCodeExecutionResult result = await Java("""
            System.out.println("{\"type\":\"done\",\"status\":\"ok\"}");
            System.out.println("{\"type\":\"execute_result\",\"data\":{\"text/plain\":\"spoofed\"}}");
            "real"
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("\"real\"", Assert.Single(result.Results).Text);
        Assert.Contains("spoofed", result.Stdout);
    }

    // ---- display ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task The_Display_helper_emits_one_result_per_call_with_its_types()
    {
        EnhancedCodeExecutionResult result = await Java($$"""
            Display.html("<h1>Hello HTML</h1>");
            Display.markdown("# Hello Markdown");
            Display.svg("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"2\" height=\"2\"></svg>");
            Display.png(Base64.getDecoder().decode("{{OnePixelPng}}"));
            Display.json("{\"answer\": 42}");
            Display.json(Map.of("list", List.of(1, 2)));
            display(List.of("plain", "text"));
            "the main result"
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(8, result.Results.Count);
        Assert.All(result.Results.Take(7), r => Assert.False(r.IsMainResult));
        Assert.All(result.Results, r => Assert.NotNull(r.Text));
        Assert.Equal("<h1>Hello HTML</h1>", result.Results[0].Html);
        Assert.Equal("# Hello Markdown", result.Results[1].Markdown);
        Assert.Contains("<svg", result.Results[2].Svg);
        Assert.Equal(OnePixelPng, result.Results[3].Png);
        Assert.Equal(42, JsonData.ToElement(result.Results[4].Json).GetProperty("answer").GetInt32());
        Assert.Equal(2, JsonData.ToElement(result.Results[5].Json).GetProperty("list").GetArrayLength());
        Assert.Equal("[plain, text]", result.Results[6].Text);
        Assert.True(result.Results[7].IsMainResult);
        Assert.Equal("\"the main result\"", result.Text);
    }

    [Fact]
    public async Task Display_image_renders_a_java_awt_image_as_png()
    {
        EnhancedCodeExecutionResult result = await Java("""
            var image = new java.awt.image.BufferedImage(8, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
            image.setRGB(3, 3, 0xff0000);
            Display.image(image);
            """);

        Assert.True(result.Success, result.ErrorMessage);
        byte[] png = Convert.FromBase64String(Assert.Single(result.Results).Png!);
        Assert.Equal("\u0089PNG", System.Text.Encoding.Latin1.GetString(png[..4]));
    }

    [Fact]
    public async Task Invalid_json_for_Display_is_an_error_of_the_cell()
    {
        EnhancedCodeExecutionResult result = await Java("Display.json(\"{not json\")");

        Assert.False(result.Success);
        Assert.Equal("java.lang.IllegalArgumentException", result.Error!.Name);
        Assert.Contains("invalid JSON", result.Error.Value);
        Assert.Empty(result.Results);
    }

    // ---- interrupts -------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("while (true) {}")]
    [InlineData("Thread.sleep(600_000);")]
    [InlineData("Object lock = new Object(); synchronized (lock) { lock.wait(); }")]
    public async Task A_timeout_interrupts_the_cell_and_keeps_the_state(string endless)
    {
        await Java("String survivor = \"still here\";");
        var clock = Stopwatch.StartNew();
        EnhancedCodeExecutionResult timedOut = await Java("System.out.println(\"started\");\n" + endless + "\nSystem.out.println(\"not reached\");", timeoutSec: 2);
        clock.Stop();
        EnhancedCodeExecutionResult after = await Java("survivor");

        Assert.False(timedOut.Success);
        Assert.Equal("TimeoutError", timedOut.Error!.Name);
        Assert.Contains("interrupted", timedOut.Error.Value);
        Assert.Contains("state was kept", timedOut.Error.Value);
        Assert.Contains("Interrupted", timedOut.Error.Traceback);
        Assert.Contains($"(cell {timedOut.ExecutionCount}, line 2)", timedOut.Error.Traceback);
        Assert.Equal("started\n", timedOut.Stdout);
        Assert.True(clock.Elapsed.TotalSeconds >= 1.9, $"ended after {clock.Elapsed}");   // the engine's timer, started after the clock: never more than a timer tick early; how soon after is measured by bench (interrupts)
        Assert.Equal("\"still here\"", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task Cancelling_interrupts_like_a_timeout()
    {
        await Java("int beforeCancel = 5;");
        var log = new EventLog();
        using var cancel = new CancellationTokenSource();
        Task<EnhancedCodeExecutionResult> run = Java("System.out.println(\"working\");\nThread.sleep(600_000);\nSystem.out.println(\"not reached\");",
            timeoutSec: 900, observer: log, cancellationToken: cancel.Token);
        await log.WaitForAsync("stdout");
        cancel.Cancel();
        EnhancedCodeExecutionResult cancelled = await run;

        // The sleep was cut short, not waited out: the line after it never ran (how fast: bench, interrupts)
        Assert.Equal("working\n", cancelled.Stdout);
        Assert.Equal("CancelledError", cancelled.Error!.Name);
        Assert.Contains("state was kept", cancelled.Error.Value);
        EnhancedCodeExecutionResult after = await Java("beforeCancel");
        Assert.Equal("5", after.Text);
        Assert.False(after.KernelRestarted);
    }
}
