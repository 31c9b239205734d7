using System.Diagnostics;
using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The JavaScript kernel (Node's vm context behind agb_supervisor.py) in one real sandboxed session: state and
/// re-declaration, top-level await, streams, results, display, errors, interrupts. Each test uses its own names:
/// the tests of this class share one kernel.
/// </summary>
public class JavaScriptKernelTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private Task<EnhancedCodeExecutionResult> Js(string code, double timeoutSec = 30, IRunObserver? observer = null) =>
        fixture.Run("javascript", code, timeoutSec, observer);

    [Fact]
    public async Task State_persists_and_a_rerun_cell_may_declare_its_names_again()
    {
        const string cell = """
            let counter = COUNT;
            const label = 'LABEL';
            class Box { get size() { return COUNT * 2; } }
            function twice(n) { return n * 2; }
            twice(counter) + new Box().size
            """;
        EnhancedCodeExecutionResult first = await Js(cell.Replace("COUNT", "1").Replace("LABEL", "first"));
        EnhancedCodeExecutionResult again = await Js(cell.Replace("COUNT", "10").Replace("LABEL", "second"));
        EnhancedCodeExecutionResult after = await Js("[counter, label, typeof Box, twice(3)]");

        Assert.True(first.Success, first.ErrorMessage);
        Assert.Equal("4", first.Text);
        Assert.True(again.Success, again.ErrorMessage);   // no "Identifier 'counter' has already been declared"
        Assert.Equal("40", again.Text);
        Assert.Equal("[ 10, 'second', 'function', 6 ]", after.Text);
        Assert.Equal(first.ExecutionCount + 2, after.ExecutionCount);
        Assert.Equal("javascript", after.Language);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task Top_level_await_gives_the_last_expression_and_keeps_the_declarations()
    {
        EnhancedCodeExecutionResult awaited = await Js("const r = await new Promise(res => setTimeout(() => res(21), 20)); r * 2");
        EnhancedCodeExecutionResult next = await Js("r");
        EnhancedCodeExecutionResult declared = await Js("""
            async function plusOne(n) { return n + 1; }
            class Later { constructor(v) { this.v = v; } }
            const { deep: [first] } = await Promise.resolve({ deep: [await plusOne(r)] });
            new Later(first).v
            """);
        EnhancedCodeExecutionResult used = await Js("[first, typeof plusOne, new Later(1) instanceof Later]");
        EnhancedCodeExecutionResult rejected = await Js("await Promise.reject(new RangeError('rejected by await'))");

        Assert.True(awaited.Success, awaited.ErrorMessage);
        Assert.Equal("42", awaited.Text);
        Assert.Equal("21", next.Text);
        Assert.Equal("22", declared.Text);
        Assert.Equal("[ 22, 'function', true ]", used.Text);
        Assert.False(rejected.Success);
        Assert.Equal("RangeError", rejected.Error!.Name);
        Assert.Equal("rejected by await", rejected.Error.Value);
    }

    [Fact]
    public async Task Console_methods_and_process_streams_go_to_stdout_and_stderr()
    {
        EnhancedCodeExecutionResult result = await Js("""
            console.log('log', 1);
            console.info('info');
            console.debug('debug');
            console.error('error');
            console.warn('warn');
            process.stdout.write('raw out\n');
            process.stderr.write('raw err\n');
            console.log({ nested: { a: [1, 2] } })
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("log 1\ninfo\ndebug\nraw out\n{ nested: { a: [ 1, 2 ] } }\n", result.Stdout);
        Assert.Equal("error\nwarn\nraw err\n", result.Stderr);
        Assert.Empty(result.Results);   // console.log returns undefined: no main result
    }

    [Fact]
    public async Task Output_of_child_processes_is_relayed_in_order()
    {
        EnhancedCodeExecutionResult result = await Js("""
            const cp = require('child_process');
            console.log('parent first');
            cp.execSync('echo from execSync', { stdio: 'inherit' });
            cp.spawnSync('sh', ['-c', 'echo from spawnSync; echo spawn stderr >&2'], { stdio: 'inherit' });
            await new Promise((resolve) => cp.spawn('echo', ['from spawn'], { stdio: 'inherit' }).on('close', resolve));
            console.log('parent last');
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("parent first\nfrom execSync\nfrom spawnSync\nfrom spawn\nparent last\n", result.Stdout);
        Assert.Equal("spawn stderr\n", result.Stderr);
    }

    [Fact]
    public async Task The_main_result_is_the_repl_text_plus_json_for_plain_data()
    {
        EnhancedCodeExecutionResult data = await Js("({ name: 'agb', list: [1, 2, 3], nested: { ok: true, none: null } })");
        EnhancedCodeExecutionResult text = await Js("'quoted like the REPL'");
        EnhancedCodeExecutionResult map = await Js("new Map([[1, 2]])");
        EnhancedCodeExecutionResult nothing = await Js("let declaredOnly = 5");
        EnhancedCodeExecutionResult undefinedValue = await Js("undefined");

        ExecutionResult main = Assert.Single(data.Results);
        Assert.True(main.IsMainResult);
        Assert.Equal("{ name: 'agb', list: [ 1, 2, 3 ], nested: { ok: true, none: null } }", main.Text);
        Assert.Equal(JsonValueKind.Object, JsonData.ToElement(main.Json).ValueKind);
        Assert.Equal(3, JsonData.ToElement(main.Json).GetProperty("list")[2].GetInt32());
        Assert.Equal(JsonValueKind.Null, JsonData.ToElement(main.Json).GetProperty("nested").GetProperty("none").ValueKind);

        Assert.Equal("'quoted like the REPL'", text.Text);
        Assert.Equal("quoted like the REPL", JsonData.ToElement(Assert.Single(text.Results).Json).GetString());

        Assert.Equal("Map(1) { 1 => 2 }", map.Text);
        Assert.Null(Assert.Single(map.Results).Json);   // not plain data: text only

        Assert.True(nothing.Success, nothing.ErrorMessage);
        Assert.Empty(nothing.Results);
        Assert.Empty(undefinedValue.Results);
    }

    [Fact]
    public async Task Each_display_call_is_one_result_carrying_all_its_types()
    {
        EnhancedCodeExecutionResult result = await Js("""
            const pngBytes = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
            display.html('<h1>Hello HTML</h1>');
            display.markdown('# Hello Markdown');
            display.svg('<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2"></svg>');
            display.latex('\\frac{1}{2}');
            display.json({ answer: 42 });
            display.png(pngBytes);
            display.jpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]));
            display({ _repr_mimebundle_: () => ({ 'application/vnd.vegalite.v5+json': { mark: 'bar', data: { values: [{ a: 1 }] } }, 'text/plain': '<Chart>' }) });
            display([1, 2, 3]);
            class Rich { _repr_html_() { return '<b>rich</b>'; } }
            new Rich()
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal(10, result.Results.Count);
        Assert.All(result.Results.Take(9), r => Assert.False(r.IsMainResult));
        Assert.Equal("<h1>Hello HTML</h1>", result.Results[0].Html);
        Assert.Contains("Hello Markdown", result.Results[1].Markdown);
        Assert.StartsWith("<svg", result.Results[2].Svg);
        Assert.Contains("frac{1}{2}", result.Results[3].Latex);
        Assert.Equal(42, JsonData.ToElement(result.Results[4].Json).GetProperty("answer").GetInt32());
        Assert.Equal("\u0089PNG", System.Text.Encoding.Latin1.GetString(Convert.FromBase64String(result.Results[5].Png!)[..4]));
        Assert.Equal(new byte[] { 0xff, 0xd8, 0xff }, Convert.FromBase64String(result.Results[6].Jpeg!)[..3]);
        Assert.Equal("bar", JsonData.ToElement(result.Results[7].Chart).GetProperty("mark").GetString());
        Assert.Equal("<Chart>", result.Results[7].Text);
        Assert.Equal("[ 1, 2, 3 ]", result.Results[8].Text);
        Assert.Equal(2, JsonData.ToElement(result.Results[8].Json)[1].GetInt32());
        ExecutionResult main = result.Results[9];
        Assert.True(main.IsMainResult);
        Assert.Equal("<b>rich</b>", main.Html);
        Assert.Equal("Rich {}", main.Text);
        Assert.All(result.Results, r => Assert.NotNull(r.Text));   // every result carries its text/plain too
    }

    [Fact]
    public async Task A_display_with_bad_data_fails_the_cell_with_a_clear_error()
    {
        EnhancedCodeExecutionResult result = await Js("display.png('this is not base64!')");
        Assert.False(result.Success);
        Assert.Equal("TypeError", result.Error!.Name);
        Assert.Contains("display.png expects", result.Error.Value);
    }

    [Theory]
    [InlineData("undefined_name + 1", "ReferenceError", "undefined_name is not defined")]
    [InlineData("null.foo", "TypeError", "Cannot read properties of null")]
    [InlineData("class MyError extends Error {}\nthrow new MyError('custom failure')", "MyError", "custom failure")]
    [InlineData("JSON.parse('{bad')", "SyntaxError", "JSON")]
    [InlineData("await new Promise((_, reject) => setTimeout(() => reject(new TypeError('async failure')), 10))", "TypeError", "async failure")]
    [InlineData("throw 'a bare string'", "Uncaught", "'a bare string'")]
    public async Task Runtime_failures_keep_the_js_error_name_and_the_output_before_them(string code, string name, string value)
    {
        EnhancedCodeExecutionResult result = await Js("console.log('before the failure')\n" + code + "\nconsole.log('not reached')");

        Assert.False(result.Success);
        Assert.Equal(name, result.Error!.Name);
        Assert.Contains(value, result.Error.Value);
        Assert.Contains(name, result.Error.Traceback);
        Assert.Contains(value, result.ErrorMessage);
        Assert.Equal("before the failure\n", result.Stdout);
        Assert.DoesNotContain("agb_node_evaluator", result.Error.Traceback);   // the kernel's own frames are left out
        Assert.DoesNotContain("node:internal", result.Error.Traceback);
        if (name != "Uncaught")
            Assert.Matches(@"at .*<cell-\d+>:[23]:\d+", result.Error.Traceback);   // a frame points into the cell, after line 1
    }

    [Fact]
    public async Task A_syntax_error_gives_line_and_column_and_runs_nothing()
    {
        EnhancedCodeExecutionResult result = await Js("console.log('never printed')\nlet = ;");

        Assert.False(result.Success);
        Assert.Equal("SyntaxError", result.Error!.Name);
        Assert.Equal("Unexpected token (2:7)", result.Error.Value);
        Assert.Contains("let = ;\n      ^", result.Error.Traceback);
        Assert.Empty(result.Logs.Stdout);
    }

    [Fact]
    public async Task Errors_thrown_by_callbacks_belong_to_the_running_cell_or_go_to_stderr_between_cells()
    {
        // The cell waits for ever: only the timer's error can end it before its timeout, which would be a TimeoutError.
        EnhancedCodeExecutionResult during = await Js("""
            setTimeout(() => { throw new TypeError('thrown by a timer'); }, 50);
            await new Promise(() => {});
            'not reached'
            """, timeoutSec: 600);
        EnhancedCodeExecutionResult unhandled = await Js("Promise.reject(new Error('nobody handles me')); 'value'");
        EnhancedCodeExecutionResult scheduled = await Js(
            "setTimeout(() => { require('fs').writeFileSync('thrown', ''); throw new Error('thrown between cells'); }, 100); 'scheduled'");
        await fixture.WaitForFileAsync("thrown");   // the error is reported in the same tick, before the next cell can start
        EnhancedCodeExecutionResult next = await Js("'next cell'");

        Assert.False(during.Success);
        Assert.Equal("TypeError", during.Error!.Name);
        Assert.Equal("thrown by a timer", during.Error.Value);
        Assert.False(unhandled.Success);
        Assert.Equal("nobody handles me", unhandled.Error!.Value);
        Assert.True(scheduled.Success, scheduled.ErrorMessage);
        Assert.True(next.Success, next.ErrorMessage);
        Assert.Equal("'next cell'", next.Text);
        Assert.Contains("thrown between cells", next.Stderr);   // printed when it happened, handed to the next run
        Assert.False(next.KernelRestarted);
    }

    [Fact]
    public async Task A_comment_only_cell_succeeds_with_no_results()
    {
        EnhancedCodeExecutionResult result = await Js("// nothing to do here\n/* at all */");
        Assert.True(result.Success, result.ErrorMessage);
        Assert.Empty(result.Results);
        Assert.Empty(result.Logs.Stdout);
        Assert.Empty(result.Logs.Stderr);
    }

    [Fact]
    public async Task The_agb_example_with_map_filter_reduce_and_template_strings()
    {
        EnhancedCodeExecutionResult result = await Js("""
            const numbers = [1, 2, 3, 4, 5];
            const doubled = numbers.map(n => n * 2);
            const multiplesOfFour = doubled.filter(n => n % 4 === 0);
            const sum = numbers.reduce((acc, n) => acc + n, 0);
            console.log(`Doubled: ${doubled.join(', ')}`);
            console.log(`Multiples of 4: ${multiplesOfFour}`);
            console.log(`Sum: ${sum}, average: ${sum / numbers.length}`);
            `${numbers.length} numbers`
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("Doubled: 2, 4, 6, 8, 10\nMultiples of 4: 4,8\nSum: 15, average: 3\n", result.Stdout);
        Assert.Equal("'5 numbers'", result.Text);
    }

    [Fact]
    public async Task Modules_from_the_working_directory_and_builtins_can_be_required_and_imported()
    {
        EnhancedCodeExecutionResult result = await Js("""
            const fs = require('fs');
            fs.writeFileSync('agb_js_helper.js', 'module.exports = (n) => n * 3;');
            fs.writeFileSync('agb_js_helper.mjs', 'export const seven = 7;');
            const { seven } = await import('./agb_js_helper.mjs');
            [require('./agb_js_helper')(14), seven, require('path').basename('/a/b.txt'), (await import('node:os')).EOL.length]
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("[ 42, 7, 'b.txt', 1 ]", result.Text);
        Assert.Empty(result.Logs.Stderr);   // no ExperimentalWarning about the vm module loader
    }

    [Fact]
    public async Task Import_and_export_declarations_bind_their_names_for_this_cell_and_the_next()
    {
        await Js("require('fs').writeFileSync('agb_esm_helper.mjs', 'export const seven = 7; export default (n) => n * 3;');");
        EnhancedCodeExecutionResult imported = await Js("""
            import triple, {
                seven as lucky,
            } from './agb_esm_helper.mjs';
            import * as path from 'node:path';
            import 'node:util';
            export const joined = path.join('a', 'b');
            [triple(lucky), joined]
            """);
        EnhancedCodeExecutionResult next = await Js("[triple(2), lucky, typeof path.basename]");
        EnhancedCodeExecutionResult failed = await Js("import { seven } from './agb_esm_helper.mjs';\n\nnull.x");

        Assert.True(imported.Success, imported.ErrorMessage);
        Assert.Equal("[ 21, 'a/b' ]", imported.Text);
        Assert.Equal("[ 6, 7, 'function' ]", next.Text);
        Assert.Contains(":3:", failed.Error!.Traceback);   // the line as the user wrote it
    }

    [Fact]
    public async Task Output_arrives_live_while_the_cell_runs()
    {
        var log = new EventLog();
        Task<EnhancedCodeExecutionResult> run = fixture.Run("javascript", """
            const fs = require('fs');
            for (let i = 0; i < 2; i++) {
                console.log(`tick ${i}`);
                while (!fs.existsSync(`js-live-${i}`)) await new Promise((resolve) => setTimeout(resolve, 10));
            }
            const sleeper = new Int32Array(new SharedArrayBuffer(4));
            console.log('sync tick');
            while (!fs.existsSync('js-live-sync')) Atomics.wait(sleeper, 0, 0, 10);   // blocks the thread: the output must already be out
            """, timeoutSec: 60, observer: log);
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", "tick 0\n", "js-live-0");
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", "tick 1\n", "js-live-1");
        await LiveOutput.OpenWhenSeenAsync(fixture, log, run, "stdout", "sync tick\n", "js-live-sync");
        EnhancedCodeExecutionResult result = await run;

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("tick 0\ntick 1\nsync tick\n", result.Stdout);
        Assert.Equal("tick 0\n", log.Of("stdout").First().Text);
    }

    [Fact]
    public async Task Cancels_that_land_right_after_a_print_leave_later_output_intact()
    {
        // A Ctrl+C at the first line of output used to catch the stream in the middle of its bookkeeping: from then on
        // the kernel printed nothing. Each round must show its line, and be cancelled, not time out.
        ICodeSession session = await fixture.Space.CreateSessionAsync(new SessionOptions { StartLanguages = ["javascript"] });
        for (int round = 0; round < 6; round++)
        {
            var log = new EventLog();
            using var cancel = new CancellationTokenSource();
            Task<EnhancedCodeExecutionResult> run = session.RunAsync(new RunRequest($"console.log('round {round}'); await new Promise(() => {{}})", "javascript", 60),
                log, cancel.Token);
            await log.WaitForAsync("stdout");
            cancel.Cancel();
            EnhancedCodeExecutionResult result = await run;

            Assert.Equal($"round {round}\n", result.Stdout);
            Assert.Equal("CancelledError", result.Error!.Name);
        }
        await fixture.Space.DeleteSessionAsync(session.Id);
    }

    [Fact]
    public async Task A_timeout_interrupts_busy_code_and_keeps_the_state()
    {
        await Js("var jsSurvivor = 'still here'; let spins = 0");
        var clock = Stopwatch.StartNew();
        EnhancedCodeExecutionResult busy = await Js("console.log('started'); while(true){}", timeoutSec: 1);
        clock.Stop();
        EnhancedCodeExecutionResult busyAfterAwait = await Js("await null; while (true) spins++", timeoutSec: 1);
        EnhancedCodeExecutionResult pending = await Js("await new Promise(() => {})", timeoutSec: 1);
        EnhancedCodeExecutionResult after = await Js("[jsSurvivor, spins > 0]");

        Assert.False(busy.Success);
        Assert.Equal("TimeoutError", busy.Error!.Name);
        Assert.Contains("interrupted", busy.Error.Value);
        Assert.Contains("state was kept", busy.Error.Value);
        Assert.Contains("InterruptedError", busy.Error.Traceback);
        Assert.Equal("started\n", busy.Stdout);
        Assert.True(clock.Elapsed.TotalSeconds >= 0.9, $"ended after {clock.Elapsed}");   // the engine's timer, started after the clock: never more than a timer tick early; how soon after is measured by bench (interrupts)
        Assert.Equal("TimeoutError", busyAfterAwait.Error!.Name);
        Assert.Contains("state was kept", busyAfterAwait.Error.Value);
        Assert.Equal("TimeoutError", pending.Error!.Name);
        Assert.Contains("state was kept", pending.Error.Value);
        Assert.True(after.Success, after.ErrorMessage);
        Assert.Equal("[ 'still here', true ]", after.Text);
        Assert.False(after.KernelRestarted);
    }

    /// <summary>Starts a shell in the session that sends the kernel SIGINTs (its script gets the kernel's pid as $1).</summary>
    private async Task SendSigintsFromTheSession(string script)
    {
        EnhancedCodeExecutionResult started = await Js($$"""
            require('child_process').spawn('sh', ['-c', {{JsonSerializer.Serialize(script)}}, 'sigints', String(process.pid)],
                { detached: true, stdio: 'ignore' }).unref()
            """);
        Assert.True(started.Success, started.ErrorMessage);
    }

    [Fact]
    public async Task A_SIGINT_between_cells_is_ignored_and_the_kernel_keeps_its_state()
    {
        await Js("var jsBetweenCells = 'kept'");
        await SendSigintsFromTheSession("while [ ! -e sigint-gate ]; do sleep 0.01; done; kill -INT $1; kill -INT $1; : > sigint-sent");
        EnhancedCodeExecutionResult gate = await fixture.Python("open('sigint-gate', 'w').close()");   // the JavaScript kernel is idle
        await fixture.WaitForFileAsync("sigint-sent");
        EnhancedCodeExecutionResult after = await Js("jsBetweenCells");

        Assert.True(gate.Success, gate.ErrorMessage);
        Assert.True(after.Success, after.ErrorMessage);   // nor is the next cell hit by it
        Assert.Equal("'kept'", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task SIGINTs_at_any_moment_interrupt_cells_but_never_end_the_kernel()
    {
        // A shell sends SIGINT after SIGINT while cells of every kind start, wait, print and end, and between them:
        // whichever moment one lands in, the cell it hits ends interrupted and the kernel lives on with its state.
        // The storm starts once the cell that spawns its shell has ended (a SIGINT in that cell would end it interrupted),
        // and is stopped whatever happens, so that it never reaches the other tests' cells in this session.
        await Js("var jsStormCells = 0");
        await SendSigintsFromTheSession(
            "while [ ! -e sigint-storm-go ]; do sleep 0.01; done; while [ ! -e sigint-storm-stop ]; do kill -INT $1; sleep 0.002; done; : > sigint-storm-over");
        string[] cells =
        [
            "jsStormCells++",
            "jsStormCells++; await null; jsStormCells",
            "await new Promise(r => setTimeout(r, 3)); console.log('waited'); jsStormCells++",
            "for (let i = 0; i < 1e5; i++) jsStormCells += 0; console.error('busy'); jsStormCells++",
        ];
        var results = new List<EnhancedCodeExecutionResult>();
        EnhancedCodeExecutionResult stop;
        try
        {
            await fixture.Python("open('sigint-storm-go', 'w').close()");
            for (int round = 0; round < 15; round++)
                foreach (string cell in cells)
                    results.Add(await Js(cell));
        }
        finally
        {
            stop = await fixture.Python("open('sigint-storm-stop', 'w').close()");
        }
        await fixture.WaitForFileAsync("sigint-storm-over");
        EnhancedCodeExecutionResult after = await Js("typeof jsStormCells");

        Assert.True(stop.Success, stop.ErrorMessage);
        Assert.All(results, result =>
        {
            Assert.False(result.KernelRestarted, result.ErrorMessage);
            if (!result.Success)
                Assert.Contains("interrupted by SIGINT", result.Error!.Value);
        });
        Assert.Contains(results, result => !result.Success);   // the storm did reach cells
        Assert.True(after.Success, after.ErrorMessage);
        Assert.Equal("'number'", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task A_SIGINT_listener_in_cell_code_is_refused_and_interrupts_still_work()
    {
        EnhancedCodeExecutionResult listening = await Js("var jsListenerState = 3; process.on('SIGINT', () => console.log('taken')); 'listening'");
        EnhancedCodeExecutionResult busy = await Js("while (true) {}", timeoutSec: 1);
        EnhancedCodeExecutionResult waiting = await Js("await new Promise(() => {})", timeoutSec: 1);
        EnhancedCodeExecutionResult after = await Js("jsListenerState");

        Assert.True(listening.Success, listening.ErrorMessage);
        Assert.Contains("process.on('SIGINT') is ignored", listening.Stderr);
        Assert.Equal("TimeoutError", busy.Error!.Name);
        Assert.Contains("state was kept", busy.Error.Value);
        Assert.Equal("TimeoutError", waiting.Error!.Name);
        Assert.Contains("state was kept", waiting.Error.Value);
        Assert.Equal("", busy.Stdout + waiting.Stdout);   // the listener never ran
        Assert.Equal("3", after.Text);
        Assert.False(after.KernelRestarted);
    }

    [Fact]
    public async Task The_heap_cap_stays_after_the_evaluator_puts_its_flag_back()
    {
        // The evaluator resets --max-old-space-size to its default so that V8 takes Node's code cache; the heap V8 made
        // at start keeps the cap: three quarters of the session's memory (768 MiB of the default 1 GiB), not V8's own.
        EnhancedCodeExecutionResult limit = await Js("Math.round(require('v8').getHeapStatistics().heap_size_limit / 1048576)");

        Assert.True(limit.Success, limit.ErrorMessage);
        Assert.InRange(int.Parse(limit.Text!), 768, 900);   // the old space plus the young generation's share
    }

    [Fact]
    public async Task Child_processes_cannot_reach_the_kernel_channels()
    {
        EnhancedCodeExecutionResult result = await Js("""
            const { execSync } = require('child_process');
            const reach = (fd) => { try { execSync(`echo '{"type":"done","status":"ok"}' >&${fd}`, { stdio: 'ignore' }); return 'open'; } catch { return 'closed'; } };
            [reach(3), reach(4)]
            """);

        Assert.True(result.Success, result.ErrorMessage);
        Assert.Equal("[ 'closed', 'closed' ]", result.Text);
    }
}
