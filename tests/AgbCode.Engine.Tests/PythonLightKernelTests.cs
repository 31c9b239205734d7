using System.Text.Json;
using System.Text.RegularExpressions;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The Python kernel starts without IPython's shell and brings it up when a cell needs it (agb_python_light.py). The
/// same cells must give the same results either way: each sequence runs in a fresh light session and in a fresh session
/// whose driver makes the shell before `ready` (AGB_PYTHON_SHELL=eager, which the engine never sets; an environment
/// switch rather than a first cell that forces the shell up, because such a cell would shift every execution count and
/// `In`, and so change what is compared). Each sequence brings the shell up at a different point of the light session.
/// </summary>
public sealed partial class PythonLightKernelTests : IAsyncDisposable
{
    private readonly LocalCodeSpace _space = new();

    public static TheoryData<string, string[]> Sequences => new()
    {
        { "scalars, the display hook's names and history", [
            "print('hi')", "x = 40\nx + 2", "1.5", "'text\\n'", "True", "None", "x;", "_", "_2 + len(In[2])", "Out", "[1, 'a']", "_i2, _ii, __"] },
        { "failures", [
            "def f():\n    return 1 / 0\n", "f()", "raise ValueError('boom')", "1 +", "_i2", "In"] },
        { "what only the shell does", [
            "%time sum(range(10))", "!echo hello", "import asyncio\nawait asyncio.sleep(0)\n'awaited'", "display({'a': 1})", "exit(3)", "_"] },
        { "libraries that ask for the shell", [
            "import pandas as pd\npd.DataFrame({'a': [1, 2], 'b': ['x', 'y']})",
            "import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nprint('drawn')", "1"] },
        { "names the shell puts in, before it is up", [
            "list(globals())", "import sys; (sys.ps1, __IPYTHON__, __name__, __doc__, sys.modules['__main__'] is sys.modules[__name__])",
            "_ = 'mine'\n5", "_", "del In\n6", "%who", "list(globals())"] },
        { "containers the light path lays out itself, and those it leaves to the shell", [
            "[1, 2.5, 'a', None, True]", "list(range(40))", "{'name': 'x', 'values': [1.0, 2.0], 'nested': {'t': (1,), 'e': ()}}",
            "{3, 1, 2}", "frozenset({'b', 'a'})", "{1: 'one', (2, 3): None}", "list(range(1200))", "[[0] * 30] * 4",
            "cyclic = [1]\ncyclic.append(cyclic)\ncyclic", "[1, 2]"] },
        { "IPython's display functions, imported before the shell is up", [
            "from IPython.display import display, HTML\ndisplay(HTML('<b>x</b>'))", "1"] },
        { "InteractiveShell itself, imported before the shell is up", [
            "import IPython; IPython.__version__",
            "from IPython.core.interactiveshell import InteractiveShell\nInteractiveShell.instance().__class__.__name__"] },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public async Task The_same_cells_give_the_same_results_whether_the_kernel_starts_light_or_with_the_shell(string what, string[] cells)
    {
        var light = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        var eager = (LocalSession)await _space.CreateSessionAsync(new SessionOptions
        {
            Environment = new Dictionary<string, string> { ["AGB_PYTHON_SHELL"] = "eager" },
        });

        foreach (string cell in cells)
        {
            EnhancedCodeExecutionResult fromLight = await light.RunAsync(new RunRequest(cell, "python", 60));
            EnhancedCodeExecutionResult fromShell = await eager.RunAsync(new RunRequest(cell, "python", 60));
            Assert.Equal(Comparable(fromShell), Comparable(fromLight));
            Assert.False(fromLight.KernelRestarted, $"{what}: {cell}");
        }
        await Remove(light, eager);
    }

    [Fact]
    public async Task A_file_run_names_the_file_in_its_traceback_on_both_paths()
    {
        const string Script = "\n\ndef check():\n    raise RuntimeError('in the file')\n\ncheck()\n";
        var light = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        var eager = (LocalSession)await _space.CreateSessionAsync(new SessionOptions
        {
            Environment = new Dictionary<string, string> { ["AGB_PYTHON_SHELL"] = "eager" },
        });
        var request = new RunRequest(Script, "python", 60) { SourcePath = "/somewhere/check.py" };

        EnhancedCodeExecutionResult fromLight = await light.RunAsync(request);
        EnhancedCodeExecutionResult fromShell = await eager.RunAsync(request);

        Assert.Equal(Comparable(fromShell), Comparable(fromLight));
        Assert.Contains("File check.py:6", fromLight.Error!.Traceback);
        Assert.Contains("File check.py:4 in check", fromLight.Error.Traceback);
        await Remove(light, eager);
    }

    [Fact]
    public async Task Lists_dicts_tuples_and_sets_of_plain_values_show_without_the_shell()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        EnhancedCodeExecutionResult list = await session.RunAsync(new RunRequest("list(range(30))", "python", 60));
        EnhancedCodeExecutionResult dict = await session.RunAsync(new RunRequest("{'a': [1, 2], 'b': (3.5, None)}", "python", 60));
        EnhancedCodeExecutionResult probe = await session.RunAsync(new RunRequest(
            "import sys\n'IPython.core.interactiveshell' in sys.modules", "python", 60));

        Assert.StartsWith("[0,\n 1,\n 2,", list.Text);   // wider than 79 columns: one item per line, as IPython lays it out
        Assert.Equal("{'a': [1, 2], 'b': (3.5, None)}", dict.Text);
        Assert.Equal("False", probe.Text);
        await Remove(session);
    }

    [Fact]
    public async Task A_session_that_runs_only_plain_code_never_imports_the_shell()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        string[] plain =
        [
            "print('hello')", "def twice(n):\n    return 2 * n\n", "twice(21)", "values = [twice(n) for n in range(3)]", "len(values);",
            "from __future__ import annotations\nimport json, os\nos.getcwd() != ''", "'text'", "_", "Out[3] + 1", "In[1]",
        ];
        foreach (string cell in plain)
            Assert.True((await session.RunAsync(new RunRequest(cell, "python", 60))).Success, cell);
        await session.RunAsync(new RunRequest("print(answer)", "python", 60)
        {
            SourcePath = "/somewhere/plain.py",
            Variables = new Dictionary<string, JsonElement> { ["answer"] = JsonDocument.Parse("42").RootElement },
        });

        EnhancedCodeExecutionResult probe = await session.RunAsync(new RunRequest(
            "import sys\n'IPython.core.interactiveshell' in sys.modules", "python", 60));
        Assert.Equal("False", probe.Text);

        // The shell, once up, has the light cells' history: In holds '', the ten cells, the file run's definitions and
        // code, the probe and this cell; _7 is the value of the seventh.
        EnhancedCodeExecutionResult shellUp = await session.RunAsync(new RunRequest(
            "get_ipython().__class__.__name__, len(In), _7", "python", 60));
        Assert.Equal("('AgbShell', 15, 'text')", shellUp.Text);
        await Remove(session);
    }

    /// <summary>
    /// The kernel starts without importing OpenSSL for the compiler's cell names or inspect, and with the garbage
    /// collector off (agb_python_imports.builtin_hashes,
    /// agb_python_kernel.py): cell names are still IPython's SHA-1 ones, user code's hashlib is the full one (OpenSSL's
    /// constructors, scrypt), and the collector is on when user code runs.
    /// </summary>
    [Fact]
    public async Task The_start_leaves_out_what_it_does_not_need_and_user_code_sees_no_difference()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        await session.RunAsync(new RunRequest("def f():\n    pass\n", "python", 60));
        EnhancedCodeExecutionResult probe = await session.RunAsync(new RunRequest("""
            import gc, hashlib, sys
            expected = '<ipython-input-1-' + hashlib.sha1(b'def f():\n    pass\n').hexdigest()[:12] + '>'
            (f.__code__.co_filename == expected, hashlib.new.__name__, hasattr(hashlib, 'scrypt'), gc.isenabled(),
             'inspect' in sys.modules)
            """, "python", 60));
        Assert.Equal("(True, '__hash_new', True, True, False)", probe.Text);
        await Remove(session);
    }

    /// <summary>
    /// PythonDriver.Prepare compiled the kernel's modules, and the supervisor's body (agb_supervision, which the other
    /// languages' kernels import), when the runtime was installed: the byte code a kernel loads is that unchecked-hash
    /// .pyc (flags 1 in its header), not one Python compiled from the source at start (flags 0).
    /// </summary>
    [Fact]
    public async Task The_kernel_loads_its_modules_as_the_byte_code_compiled_at_install()
    {
        var session = (LocalSession)await _space.CreateSessionAsync(new SessionOptions());
        EnhancedCodeExecutionResult flags = await session.RunAsync(new RunRequest("""
            import importlib.util, os, sys
            drivers = os.path.dirname(sys.modules['agb_protocol'].__file__)
            paths = [sys.modules[name].__cached__ for name in
                     ('agb_protocol', 'agb_python_imports', 'agb_python_kernel', 'agb_python_light', 'agb_python_output', 'agb_python_values')]
            paths.append(importlib.util.cache_from_source(os.path.join(drivers, 'agb_supervision.py')))
            [int.from_bytes(open(path, 'rb').read()[4:8], 'little') for path in paths]
            """, "python", 60));
        Assert.Equal("[1, 1, 1, 1, 1, 1, 1]", flags.Text);
        await Remove(session);
    }

    /// <summary>A result as the user sees it, without what differs between any two runs (ids, times, timings).</summary>
    private static string Comparable(EnhancedCodeExecutionResult result) => JsonSerializer.Serialize(new
    {
        result.Success, result.ExecutionCount, result.ExitCode, result.ErrorMessage, result.Error, result.Results,
        Stdout = Timings().Replace(result.Stdout, "T"), result.Stderr,
    });

    [GeneratedRegex(@"[^\s,:]+ (ns|µs|ms|s)\b")]
    private static partial Regex Timings();

    private async Task Remove(params LocalSession[] sessions)
    {
        foreach (LocalSession session in sessions)
        {
            SessionFootprint footprint = session.Footprint;
            Assert.True(await _space.DeleteSessionAsync(session.Id));
            HostLeaks.AssertGone(footprint);
        }
    }

    public ValueTask DisposeAsync() => _space.DisposeAsync();
}
