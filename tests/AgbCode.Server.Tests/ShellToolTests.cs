using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// shell and get_metrics on a real server and sandbox, called as command-execution.test.ts, command-advanced.test.ts,
/// test_filesystem_binary.py and test_session_get_metrics_integration.py call them (agb-tools.md §2, §6).
/// </summary>
[Collection(SharedServerCollection.Name)]
public class ShellToolTests(SharedServer shared)
{
    private readonly ToolCaller _tools = new(shared);

    // Generous timeouts: on a loaded machine a sandbox can take a while; the default (1000 ms) is proven by cause below.
    private static JsonObject Command(string command, long? timeoutMs = 30_000) =>
        timeoutMs is long ms ? new() { ["command"] = command, ["timeout_ms"] = ms } : new() { ["command"] = command };

    private static JsonObject Json(string text) => JsonNode.Parse(text)!.AsObject();

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.Link)]
    public async Task Echo_answers_the_SDK_json_with_stdout_exit_code_and_traceId(Route route)
    {
        JsonObject result = Json(await _tools.OkAsync("shell", Command("echo hello; echo oops >&2"), route));

        Assert.Equal(["stdout", "stderr", "exit_code", "traceId"], result.Select(p => p.Key));
        Assert.Equal(("hello\n", "oops\n", 0), (result["stdout"]!.GetValue<string>(), result["stderr"]!.GetValue<string>(), result["exit_code"]!.GetValue<int>()));
        Assert.NotEmpty(result["traceId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Cwd_is_taken_exactly_even_with_spaces_and_each_call_gets_a_fresh_shell()
    {
        Assert.Equal("/tmp", Json(await _tools.OkAsync("shell", new JsonObject { ["command"] = "pwd", ["timeout_ms"] = 30_000, ["cwd"] = "/tmp" }))["stdout"]!.GetValue<string>().Trim());
        await _tools.OkAsync("shell", Command("mkdir -p '/tmp/dir with spaces'"));
        Assert.Equal("/tmp/dir with spaces", Json(await _tools.OkAsync("shell",
            new JsonObject { ["command"] = "pwd", ["timeout_ms"] = 30_000, ["cwd"] = "/tmp/dir with spaces" }))["stdout"]!.GetValue<string>().Trim());
        await _tools.OkAsync("shell", Command("cd /tmp; export CARRIED=1"));
        Assert.Equal("", Json(await _tools.OkAsync("shell", Command("echo -n $CARRIED")))["stdout"]!.GetValue<string>());
    }

    [Fact]
    public async Task Envs_reach_the_command_as_variables_never_as_shell_text()
    {
        const string special = "it's \"quoted\"; rm -rf / !@#$%^&*() `id` $(id)";
        JsonObject result = Json(await _tools.OkAsync("shell", new JsonObject
        {
            ["command"] = "printf '%s|%s' \"$SPECIAL\" \"$OTHER\"", ["timeout_ms"] = 30_000, ["envs"] = new JsonObject { ["SPECIAL"] = special, ["OTHER"] = "two" },
        }));

        Assert.Equal($"{special}|two", result["stdout"]!.GetValue<string>());
        ToolReply badName = await _tools.CallAsync("shell", new JsonObject { ["command"] = "true", ["envs"] = new JsonObject { ["A=B"] = "x" } });
        Assert.True(badName.IsError);
        Assert.Contains("not a valid environment variable name", badName.Text);
    }

    [Theory]
    [InlineData("ls /nonexistent")]
    [InlineData("definitely_not_a_command_xyz")]
    public async Task Failing_commands_are_tool_errors_carrying_the_json_with_the_exit_code_and_stderr(string command)
    {
        ToolReply failed = await _tools.CallAsync("shell", Command(command));

        Assert.True(failed.IsError);
        JsonObject result = Json(failed.Text);
        Assert.NotEqual(0, result["exit_code"]!.GetValue<int>());
        Assert.NotEmpty(result["stderr"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_command_past_its_timeout_is_killed_and_says_so()
    {
        ToolReply slow = await _tools.CallAsync("shell", Command("sleep 30", timeoutMs: 300));

        Assert.True(slow.IsError);
        JsonObject result = Json(slow.Text);
        Assert.Equal(124, result["exit_code"]!.GetValue<int>());
        Assert.Contains("timeout_ms (300 ms)", result["stderr"]!.GetValue<string>());
        ToolReply byDefault = await _tools.CallAsync("shell", Command("sleep 30", timeoutMs: null));   // direct calls may omit timeout_ms
        Assert.Contains("timeout_ms (1000 ms)", Json(byDefault.Text)["stderr"]!.GetValue<string>());
        ToolReply tooLong = await _tools.CallAsync("shell", Command("true", timeoutMs: 3_600_001));
        Assert.Contains("'timeout_ms' must be from 1 to 3600000", tooLong.Text);
    }

    [Fact]
    public async Task A_file_made_by_dd_in_tmp_is_readable_through_the_file_tools()
    {
        string name = $"/tmp/dd-{Guid.NewGuid():N}.bin";
        await _tools.OkAsync("shell", Command($"dd if=/dev/urandom of={name} bs=1024 count=10"));

        Assert.Equal("10240", ToolCaller.Info(await _tools.OkAsync("get_file_info", new JsonObject { ["path"] = name }))["size"]);
        Assert.Equal(10240, Convert.FromBase64String(await _tools.SdkReadAsync(name, format: "binary")).Length);
    }

    [Fact]
    public async Task Metrics_are_a_json_object_within_the_SDK_bounds_and_disk_used_follows_the_workspace()
    {
        JsonObject before = Json(await _tools.OkAsync("get_metrics", []));
        await _tools.OkAsync("shell", Command($"head -c 3000000 /dev/urandom > metrics-{Guid.NewGuid():N}.bin", timeoutMs: 30_000));
        JsonObject after = Json(await _tools.OkAsync("get_metrics", []));

        Assert.True(after["cpu_count"]!.GetValue<int>() >= 1);
        Assert.InRange(after["cpu_used_pct"]!.GetValue<double>(), 0, 100);
        Assert.Equal(1L << 30, after["mem_total"]!.GetValue<long>());
        Assert.Equal(1L << 30, after["disk_total"]!.GetValue<long>());
        Assert.NotEmpty(after["timestamp"]!.GetValue<string>());
        Assert.True(after["disk_used"]!.GetValue<long>() - before["disk_used"]!.GetValue<long>() >= 2_900_000,
            $"disk_used went from {before["disk_used"]} to {after["disk_used"]}");
    }

    [Fact]
    public async Task Metrics_show_the_memory_a_kernel_holds_and_the_cpu_a_process_in_the_session_burns()
    {
        const long held = 100L << 20;
        await _tools.OkAsync("run_code", Python(
            "metrics_held = bytes(range(256)) * (100 * 1024 * 4)\n" +
            "import subprocess\nmetrics_burner = subprocess.Popen(['/usr/bin/python3', '-c', 'while True: pass'])"));
        try
        {
            JsonObject metrics = Json(await _tools.OkAsync("get_metrics", []));
            Assert.True(metrics["mem_used"]!.GetValue<long>() >= held, $"mem_used {metrics["mem_used"]} while a kernel holds {held}");
            // Each call measures its own window; on a loaded machine one window may see little CPU, so ask until one does.
            await Eventually.TrueAsync(async () =>
            {
                double used = Json(await _tools.OkAsync("get_metrics", []))["cpu_used_pct"]!.GetValue<double>();
                Assert.InRange(used, 0, 100);
                return used > 0;
            }, 120, "get_metrics never reported the CPU a busy loop in the session uses");
        }
        finally
        {
            await _tools.OkAsync("run_code", Python("metrics_burner.kill(); metrics_burner.wait(); del metrics_held"));
        }
    }

    private static JsonObject Python(string code) => new() { ["code"] = code, ["language"] = "python", ["timeout_s"] = 120 };
}
