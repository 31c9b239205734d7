using System.Globalization;
using System.Net.Sockets;
using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The abuse cases of reference/sandbox.md §9, in each language where they apply. Each runs in its own small session
/// while a neighbour works (see <see cref="AbuseFixture"/>): contained with a clear result, host unaffected, neighbour fine.
/// </summary>
public class AbuseTests(AbuseFixture fixture) : IClassFixture<AbuseFixture>
{
    public static TheoryData<string, string> MemoryBombs => new()
    {
        { "python", "blocks = []\nwhile True:\n    blocks.append(bytearray(16 * 1024 * 1024))" },
        { "javascript", "const blocks = []; while (true) blocks.push(new Array(1 << 20).fill(1.5));" },
        { "java", "long[][] blocks = new long[100000][]; for (int i = 0; i < blocks.length; i++) blocks[i] = new long[1 << 20];" },
        { "r", "blocks <- list(); for (i in 1:1000) blocks[[i]] <- rnorm(2e6)" },
    };

    [Theory]
    [MemberData(nameof(MemoryBombs))]
    public Task A_memory_bomb_stops_at_the_memory_limit_with_a_clear_error(string language, string code) =>
        fixture.Abuse(language, code, result =>
        {
            Assert.False(result.Success);
            // the kernel killed at the cgroup or heap limit, or (Java, R) the runtime's own catchable error
            Assert.Matches("OutOfMemoryError|cannot allocate", $"{result.Error!.Name}: {result.Error.Value}");
        }, timeoutSec: 60);

    [Fact]
    public async Task The_jvm_survives_its_own_out_of_memory_error_with_state()
    {
        EnhancedCodeExecutionResult result = await fixture.Abuse("java",
            "int kept = 7; long[][] blocks = new long[100000][]; for (int i = 0; i < blocks.length; i++) blocks[i] = new long[1 << 20];",
            r => Assert.Contains("OutOfMemoryError", r.Error!.Name), timeoutSec: 60);
        Assert.False(result.KernelRestarted);
    }

    public static TheoryData<string, string> ForkBombs => new()
    {
        { "python", "import subprocess\nsubprocess.run(['sh', '-c', ForkBomb])" },
        { "javascript", "require('child_process').spawnSync('sh', ['-c', ForkBomb], { stdio: 'inherit' })" },
        { "java", "new ProcessBuilder(\"sh\", \"-c\", ForkBomb).inheritIO().start().waitFor();" },
        { "r", "system2('sh', c('-c', shQuote(ForkBomb)))" },
    };

    private const string ForkBombScript = "b() { b & b & }; b; sleep 30";

    [Theory]
    [MemberData(nameof(ForkBombs))]
    public Task A_fork_bomb_is_held_at_the_process_limit_and_ends_with_the_session(string language, string code) =>
        fixture.Abuse(language, Define(language, "ForkBomb", ForkBombScript) + code, result =>
        {
            // forks fail at the limit; the bomb either runs until the timeout or gives up when even `sleep` cannot start
            Assert.True(result.Error?.Name == "TimeoutError" || result.Stderr.Contains("fork", StringComparison.OrdinalIgnoreCase),
                $"{result.ErrorMessage} {result.Stderr}");
        }, timeoutSec: 4);

    public static TheoryData<string, string> GiantFiles => new()
    {
        { "python", "try:\n    with open('giant.bin', 'wb') as f:\n        for _ in range(20): f.write(b'x' * (1 << 20))\nexcept OSError as e:\n    print('errno', e.errno)\nimport os; print(os.path.getsize('giant.bin'))" },
        { "javascript", "const fs = require('fs'); try { for (let i = 0; i < 20; i++) fs.appendFileSync('giant.bin', Buffer.alloc(1 << 20)); } catch (e) { console.log('errno', e.code) }\nconsole.log(fs.statSync('giant.bin').size)" },
        { "java", "var path = java.nio.file.Path.of(\"giant.bin\"); try (var out = new java.io.FileOutputStream(path.toFile())) { for (int i = 0; i < 20; i++) out.write(new byte[1 << 20]); } catch (java.io.IOException e) { System.out.println(\"errno \" + e.getMessage()); }\nSystem.out.println(java.nio.file.Files.size(path));" },
        { "r", "con <- file('giant.bin', 'wb'); r <- tryCatch({ for (i in 1:20) writeBin(raw(1048576), con); 'wrote' }, error = function(e) paste('errno', conditionMessage(e)), warning = function(w) paste('errno', conditionMessage(w))); close(con); cat(r, '\\n'); cat(file.size('giant.bin'), '\\n')" },
    };

    [Theory]
    [MemberData(nameof(GiantFiles))]
    public Task A_giant_file_stops_at_the_file_size_limit_and_the_kernel_lives(string language, string code) =>
        fixture.Abuse(language, code, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Contains("errno", result.Stdout);
            Assert.Contains((8 << 20).ToString(CultureInfo.InvariantCulture), result.Stdout);   // stopped at exactly 8 MiB
            Assert.False(result.KernelRestarted);
        });

    public static TheoryData<string, string> OutputFloods => new()
    {
        { "python", "for i in range(200000): print('x' * 100)\n'done'" },
        { "javascript", "for (let i = 0; i < 200000; i++) console.log('x'.repeat(100)); 'done'" },
        { "java", "for (int i = 0; i < 200000; i++) System.out.println(\"x\".repeat(100));\n\"done\"" },
        { "r", "for (i in 1:100000) cat(strrep('x', 100), '\\n')\n'done'" },
    };

    [Theory]
    [MemberData(nameof(OutputFloods))]
    public Task An_output_flood_is_cut_at_the_cap_and_the_kernel_keeps_working(string language, string code) =>
        fixture.Abuse(language, code, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.True(result.OutputTruncated);
            Assert.InRange(System.Text.Encoding.UTF8.GetByteCount(result.Stdout), 512 * 1024, (1 << 20) + 200);
            Assert.EndsWith("the rest was discarded]\n", result.Stdout);
            Assert.Contains("done", result.Text);
        }, timeoutSec: 90);

    [Fact]
    public Task A_single_line_of_100_MiB_is_cut_at_the_cap() =>
        fixture.Abuse("python", "import sys\nsys.stdout.write('y' * (100 << 20))\n'alive'", result =>
        {
            Assert.True(result.OutputTruncated);
            Assert.Equal("'alive'", result.Text);
        });

    [Fact]
    public Task Binary_output_arrives_as_text_with_replacement_characters() =>
        fixture.Abuse("python", "import os\nos.write(1, bytes(range(256)) * 64)\n'alive'", result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            Assert.Contains('\uFFFD', result.Stdout);
            Assert.Contains("\u0001\u0002\u0003", result.Stdout);
        });

    [Fact]
    public Task Filling_shared_memory_stops_at_its_size() =>
        fixture.Abuse("python", "written = 0\ntry:\n    with open('/dev/shm/fill', 'wb') as f:\n        for _ in range(64):\n            f.write(b'x' * (1 << 20)); f.flush(); written += 1\nexcept OSError as e:\n    print('errno', e.errno, 'after', written)", result =>
            Assert.Matches(@"^errno (27|28) after ([0-9]|1[0-6])\n$", result.Stdout));

    [Fact]
    public Task Filling_the_workspace_stops_at_its_disk_cap() => fixture.Abuse("python", """
        written = 0
        try:
            for i in range(1000):
                with open(f'fill-{i}.bin', 'wb') as f:
                    f.write(b'\0' * 1024 * 1024)
                written += 1
        except OSError as e:
            print('errno', e.errno, 'after', written, 'MiB')
        """, result => Assert.Matches(@"^errno 28 after (2\d|3[0-2]) MiB\n$", result.Stdout));

    [Fact]
    public Task Filling_the_workspace_with_empty_files_stops_at_its_inodes() => fixture.Abuse("python", """
        made = 0
        try:
            for i in range(100000):
                open(f'empty-{i}', 'w').close(); made += 1
        except OSError as e:
            print('errno', e.errno, 'after', made)
        """, result => Assert.Matches(@"^errno 28 after \d{3,5}\n$", result.Stdout), timeoutSec: 60);

    [Fact]
    public Task Filling_tmp_stops_at_its_size() => fixture.Abuse("python", """
        written = 0
        try:
            for i in range(64):
                with open(f'/tmp/fill-{i}.bin', 'wb') as f:
                    f.write(b'\0' * 1024 * 1024)
                written += 1
        except OSError as e:
            print('errno', e.errno, 'after', written, 'MiB')
        """, result => Assert.Matches(@"^errno 28 after 1[0-6] MiB\n$", result.Stdout));

    [Fact]
    public Task Cpu_is_throttled_to_the_session_quota() => fixture.Abuse("python", """
        import multiprocessing as mp, time
        def spin(seconds):
            end = time.monotonic() + seconds
            while time.monotonic() < end: pass
            return time.process_time()
        with mp.Pool(2) as pool:
            print(round(sum(pool.map(spin, [1.5, 1.5])), 2))
        """, result =>
        {
            Assert.True(result.Success, result.ErrorMessage);
            double cpuSeconds = double.Parse(result.Stdout, CultureInfo.InvariantCulture);
            Assert.InRange(cpuSeconds, 0.1, 1.9);   // two spinners for 1.5 s on a 1-core quota: at most ~1.5 s of CPU
        });

    [Fact]
    public Task Sleeping_forever_ends_at_the_timeout() =>
        fixture.Abuse("python", "import time; time.sleep(10 ** 6)", result => Assert.Equal("TimeoutError", result.Error!.Name), timeoutSec: 1);

    [Fact]
    public Task A_double_forked_daemon_that_ignores_signals_is_gone_with_the_session() => fixture.Abuse("python", """
        import os, signal, time
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_IGN); signal.signal(signal.SIGHUP, signal.SIG_IGN)
                time.sleep(600)
            os._exit(0)
        time.sleep(0.3)
        print('daemon started')
        """, result => Assert.Equal("daemon started\n", result.Stdout));

    [Fact]
    public Task Signals_cannot_reach_the_host() => fixture.Abuse("python", $$"""
        import os, errno
        for target in (-1, {{Environment.ProcessId}}, 1):
            try:
                os.kill(target, 9); print(target, 'sent')
            except OSError as e:
                print(target, errno.errorcode[e.errno])
        """, result =>
        {
            Assert.Contains($"{Environment.ProcessId} ESRCH", result.Stdout);   // the engine's pid means nothing in there
            Assert.DoesNotContain($"{Environment.ProcessId} sent", result.Stdout);
        });

    [Fact]
    public async Task Host_abstract_unix_sockets_are_out_of_reach()
    {
        string name = $"agbcode-test-{Guid.NewGuid():N}";
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));
        listener.Listen();
        await fixture.Abuse("python", $$"""
            import socket
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect('\0{{name}}'); print('CONNECTED')
            except OSError as e:
                print(type(e).__name__)
            """, result => Assert.Equal("ConnectionRefusedError\n", result.Stdout));
    }

    [Fact]
    public Task Setuid_programs_gain_nothing() => fixture.Abuse("python", """
        import subprocess, os
        for command in (['su', '-c', 'id -u'], ['mount', '-t', 'tmpfs', 'none', '/tmp'], ['passwd', '-S', 'root']):
            done = subprocess.run(command, capture_output=True, text=True)
            print(command[0], done.returncode != 0, done.stdout.strip() != '0')
        print(os.getuid(), os.geteuid())
        """, result =>
        {
            Assert.Equal("su True True\nmount True True\npasswd True True\n1000 1000\n", result.Stdout);
        });

    [Fact]
    public Task Other_sessions_and_host_processes_are_invisible() => fixture.Abuse("python", """
        import os
        print(len([p for p in os.listdir('/proc') if p.isdigit()]) <= 3)
        print(os.path.exists('/var/lib/agbcode'), os.path.exists('/proc/1/root/var'))
        """, result => Assert.Equal("True\nFalse False\n", result.Stdout));

    private static string Define(string language, string name, string value) => language switch
    {
        "python" => $"{name} = {System.Text.Json.JsonSerializer.Serialize(value)}\n",
        "javascript" => $"const {name} = {System.Text.Json.JsonSerializer.Serialize(value)};\n",
        "java" => $"String {name} = {System.Text.Json.JsonSerializer.Serialize(value)};\n",
        "r" => $"{name} <- {System.Text.Json.JsonSerializer.Serialize(value)}\n",
        _ => throw new ArgumentOutOfRangeException(nameof(language)),
    };
}
