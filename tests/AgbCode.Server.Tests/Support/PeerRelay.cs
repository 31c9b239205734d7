using System.Diagnostics;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// Lets the test process call the server's Unix socket as another uid: a small relay running as that user (setpriv)
/// accepts on its own socket and opens, for each connection, one to the server's socket, so the server's peer
/// credentials name the relay's user. Bytes pass unchanged both ways (HTTP and WebSocket alike).
/// </summary>
public sealed class PeerRelay : IDisposable
{
    private const string Script = """
        import os, socket, sys, threading
        listen_path, target = sys.argv[1], sys.argv[2]
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(listen_path)
        server.listen(64)
        print("ready", flush=True)
        def pipe(source, sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass
            for s in (source, sink):
                try: s.shutdown(socket.SHUT_RDWR)
                except OSError: pass
        def serve(client):
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(target)
            except OSError as e:
                print(f"refused: {e}", flush=True)
                client.close()
                return
            threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
            pipe(upstream, client)
        while True:
            connection, _ = server.accept()
            threading.Thread(target=serve, args=(connection,), daemon=True).start()
        """;

    private readonly Process _process;
    private readonly string _directory;

    public PeerRelay(LocalUser user, string serverSocket, params string[] groups)
    {
        _directory = Directory.CreateTempSubdirectory("agbcode-relay-").FullName;
        LocalUser.Run("chown", user.Name, _directory);
        Path = System.IO.Path.Combine(_directory, "relay.sock");
        string script = System.IO.Path.Combine(_directory, "relay.py");
        File.WriteAllText(script, Script);
        _process = Process.Start(user.StartInfo("/usr/bin/python3", [script, Path, serverSocket], groups))!;
        Assert.Equal("ready", _process.StandardOutput.ReadLine());   // bound: connections are accepted from here on
    }

    /// <summary>The relay's socket: connect here to reach the server as the relay's user.</summary>
    public string Path { get; }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
