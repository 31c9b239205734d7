using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>Evidence that a session's code is confined: checked from inside a real sandbox and from the host.</summary>
public class IsolationTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private async Task<string> Python(string code)
    {
        EnhancedCodeExecutionResult result = await fixture.Python(code);
        Assert.True(result.Success, result.ErrorMessage + "\n" + result.Error?.Traceback);
        return result.Stdout.Trim();
    }

    [Fact]
    public async Task The_session_has_only_loopback_and_cannot_reach_host_services()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string hostAddress = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)?.ToString() ?? "192.0.2.1";

        string output = await Python($$"""
            import socket
            print(sorted(name for _, name in socket.if_nameindex()))
            for host in ['127.0.0.1', '{{hostAddress}}', '1.1.1.1']:
                try:
                    socket.create_connection((host, {{port}}), timeout=3); print(host, 'CONNECTED')
                except OSError as e:
                    print(host, type(e).__name__, e.errno)
            try:
                socket.getaddrinfo('example.com', 443); print('dns RESOLVED')
            except OSError as e:
                print('dns', type(e).__name__)
            """);

        string[] lines = output.Split('\n');
        Assert.Equal("['lo']", lines[0]);
        Assert.Equal("127.0.0.1 ConnectionRefusedError 111", lines[1]);   // the sandbox's own loopback, not the host's
        Assert.Equal($"{hostAddress} OSError 101", lines[2]);             // Network is unreachable
        Assert.Equal("1.1.1.1 OSError 101", lines[3]);
        Assert.Equal("dns gaierror", lines[4]);
        Assert.False(listener.Pending(), "a connection reached the host's listener");
    }

    [Fact]
    public async Task Host_files_outside_the_allowed_set_are_not_there()
    {
        string marker = Path.Combine(Path.GetTempPath(), "agbcode-host-marker-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(marker, "host secret");
        try
        {
            string output = await Python($$"""
                import os
                for path in ['/etc/shadow', '/root', '/var', '/run', '/sys', '/boot', '/home/sandbox/../../root', '{{marker}}']:
                    print(path, os.path.exists(path))
                print(sorted(os.listdir('/')))
                print(sorted(os.listdir('/etc')))
                print(os.listdir('/home'))
                print(os.listdir('/tmp'))
                """);

            Assert.DoesNotContain(" True", output);
            Assert.Contains("['bin', 'dev', 'etc', 'home', 'lib', 'lib64', 'opt', 'proc', 'sbin', 'tmp', 'usr']", output);
            Assert.Contains("['sandbox']", output);
            Assert.DoesNotContain("shadow", output.Split('\n').Single(l => l.StartsWith("['alternatives'", StringComparison.Ordinal)));
        }
        finally
        {
            File.Delete(marker);
        }
    }

    [Fact]
    public async Task Code_runs_as_an_unprivileged_host_uid_never_root()
    {
        Assert.True(fixture.Session.Uid is > 0, "a root engine gives each session its own uid");
        string output = await Python("import os; open('owned.txt', 'w').write('x'); print(os.getuid(), os.getgid(), os.getcwd())");

        Assert.Equal("1000 1000 /home/sandbox", output);
        Assert.Equal(fixture.Session.Uid, HostFileOwner(Path.Combine(fixture.Session.WorkspacePath, "owned.txt")));
    }

    [Fact]
    public async Task The_system_is_read_only_and_the_workspace_writable()
    {
        string output = await Python("""
            import os
            for path in ['/usr/agb-probe', '/etc/agb-probe', '/bin/agb-probe', '/opt/agbcode/agb-probe']:
                try:
                    open(path, 'w'); print(path, 'WRITABLE')
                except OSError as e:
                    print(path, e.errno)
            open('/home/sandbox/data.csv', 'w').write('a,b\n1,2\n')
            open('/tmp/scratch', 'w').write('ok')
            print(open('data.csv').read().splitlines()[1])
            """);

        Assert.DoesNotContain("WRITABLE", output);
        Assert.Contains("/usr/agb-probe 30", output);     // EROFS
        Assert.EndsWith("1,2", output);
        Assert.True(File.Exists(Path.Combine(fixture.Session.WorkspacePath, "data.csv")));
    }

    [Fact]
    public async Task Child_processes_see_only_stdin_stdout_and_stderr_and_no_engine_environment()
    {
        Environment.SetEnvironmentVariable("AGBCODE_TEST_SECRET", "engine-secret-value");
        ICodeSession fresh = await fixture.Space.CreateSessionAsync(new SessionOptions());   // a kernel started after the secret was set
        EnhancedCodeExecutionResult result = await fresh.RunAsync(new RunRequest("""
            import subprocess
            subprocess.run(['sh', '-c', 'ls /proc/self/fd | tr "\\n" " "; echo'])
            print(open('/proc/1/environ', 'rb').read())
            import os; print(sorted(os.environ))
            """, "python"));
        await fixture.Space.DeleteSessionAsync(fresh.Id);
        string output = result.Stdout.Trim();

        string[] lines = output.Split('\n');
        Assert.Equal("0 1 2 3", lines[0].Trim());                    // 3 is ls's own directory handle
        Assert.DoesNotContain("engine-secret-value", output);
        Assert.DoesNotContain("AGBCODE", output);
    }

    [Fact]
    public async Task Privileges_are_gone_and_the_seccomp_filter_is_on()
    {
        string status = await Python("print(open('/proc/self/status').read())");
        Assert.Contains("Seccomp:\t2", status);
        Assert.Contains("NoNewPrivs:\t1", status);
        Assert.Contains("CapEff:\t0000000000000000", status);
        Assert.Contains("CapBnd:\t0000000000000000", status);
    }

    [Fact]
    public async Task Calls_the_namespaces_leave_open_are_denied()
    {
        string output = await Python("""
            import ctypes, os, socket, fcntl, termios, errno
            libc = ctypes.CDLL(None, use_errno=True)
            def call(name, *args):
                rc = getattr(libc, name)(*args)
                return 'ok' if rc >= 0 else errno.errorcode[ctypes.get_errno()]
            print('add_key', call('syscall', 248, b'user', b'k', b'v', 1, -4))   # add_key
            print('keyctl', call('syscall', 250, 0, -4, 0, 0, 0))
            print('unshare', call('unshare', 0x10000000))
            print('ptrace', call('ptrace', 0, 0, 0, 0))
            print('io_uring', call('syscall', 425, 1, 0))
            print('mount', call('mount', b'none', b'/tmp', b'tmpfs', 0, None))
            try:
                socket.socket(40, socket.SOCK_STREAM); print('vsock ok')
            except OSError as e:
                print('vsock', errno.errorcode[e.errno])
            for request in (termios.TIOCSTI, termios.TIOCSTI | (1 << 32)):
                try:
                    fcntl.ioctl(0, request, b'x'); print('tiocsti ok')
                except OSError as e:
                    print('tiocsti', errno.errorcode[e.errno])
            try:
                os.open('/dev/tty', os.O_RDWR); print('tty ok')
            except OSError as e:
                print('tty', errno.errorcode[e.errno])
            """);

        Assert.Contains("add_key EPERM", output);
        Assert.Contains("keyctl EPERM", output);
        Assert.Contains("unshare EPERM", output);
        Assert.Contains("ptrace EPERM", output);
        Assert.Contains("io_uring ENOSYS", output);
        Assert.Contains("mount EPERM", output);
        Assert.Contains("vsock EAFNOSUPPORT", output);
        Assert.Equal(2, output.Split('\n').Count(l => l == "tiocsti EPERM"));
        Assert.Contains("tty ENXIO", output);
    }

    [Fact]
    public async Task The_session_reports_a_full_sandbox_on_a_root_engine()
    {
        Assert.True(fixture.Session.Isolation.IsFull, fixture.Session.Isolation.ToString());
        Assert.Contains(fixture.Session.Isolation.Protections, p => p.Name == "Memory limit" && p.Detail.StartsWith("1 GiB", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    private static uint HostFileOwner(string path)
    {
        string output = Platform.HostCommand.Run("/usr/bin/stat", "-c", "%u", path);
        return uint.Parse(output.Trim(), CultureInfo.InvariantCulture);
    }
}
