using System.Diagnostics;
using System.Text.Json.Nodes;

namespace AgbCode.Server.Tests;

/// <summary>
/// The server under systemd socket activation (LISTEN_FDS/LISTEN_PID, as agbcode.socket starts it), with systemd's own
/// tool for that, systemd-socket-activate, in place of a running systemd: it serves on the inherited socket, knows its
/// callers by peer credentials, and hands out socket-local session URLs.
/// </summary>
public sealed class SocketActivationTests
{
    [Fact]
    public async Task An_activated_server_serves_the_inherited_socket_by_peer_credentials()
    {
        const string activate = "/usr/bin/systemd-socket-activate";
        Assert.True(File.Exists(activate), $"{activate} is missing: apt-get install systemd (the tool runs without a running systemd).");
        string directory = Directory.CreateTempSubdirectory("agbcode-activation-").FullName;
        string socket = Path.Combine(directory, "engine.sock");
        var info = new ProcessStartInfo(activate) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])["-l", socket, "-E", "AGBCODE_UNIX_SOCKET", "-E", "AGBCODE_SPARE_SESSIONS",
                     "dotnet", Path.Combine(AppContext.BaseDirectory, "agbcode-server.dll")])
            info.ArgumentList.Add(argument);
        info.Environment["AGBCODE_UNIX_SOCKET"] = socket;
        info.Environment["AGBCODE_SPARE_SESSIONS"] = "0";
        using Process server = Process.Start(info)!;
        Task<string> log = server.StandardOutput.ReadToEndAsync();
        try
        {
            Assert.Equal($"Listening on {socket} as 3.", (await server.StandardError.ReadLineAsync())?.Trim());
            using HttpClient http = LocalSocketFixture.Http(socket);   // the first connection starts the server, as with systemd
            using HttpResponseMessage created = await http.PostAsync("/mcp/createSession", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
            JsonNode data = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["data"]!;
            Assert.Equal(System.Net.HttpStatusCode.OK, created.StatusCode);   // no API key: the caller is its uid
            Assert.StartsWith("ws://localhost/ws/", data["wsUrl"]!.GetValue<string>());
            Assert.Equal(data["sessionId"]!.GetValue<string>(),
                JsonNode.Parse(await http.GetStringAsync("/sdk/ListSession"))!["data"]![0]!["sessionId"]!.GetValue<string>());
        }
        finally
        {
            Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            Assert.True(server.WaitForExit(120_000), "the activated server did not stop on SIGTERM");
            Directory.Delete(directory, recursive: true);
        }
        Assert.Contains("Shutdown complete: 1 sessions and their sandboxes removed", await log);
    }
}
