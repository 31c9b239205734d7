using System.Text.Json.Nodes;

namespace AgbCode.Server.Tests.Support;

/// <summary>Which way a tool call travels, as the SDKs send it (agb-tools.md §1).</summary>
public enum Route
{
    /// <summary>POST /mcp with the API key and args as a JSON string.</summary>
    Api,
    /// <summary>POST {linkUrl}/callTool with X-Access-Token and args as an object.</summary>
    Link,
}

/// <summary>What a tool call answered, read the way the SDKs read it: the text, and whether the tool failed.</summary>
public sealed record ToolReply(Answer Answer, bool IsError, string Text)
{
    /// <summary>The SDKs' success: HTTP 200, envelope success, and isError false.</summary>
    public bool Ok => Answer.Status == 200 && Answer.Success && !IsError;
}

/// <summary>Calls a session's tools by either route, as the SDKs do.</summary>
public sealed class ToolCaller(TestServer server, string sessionId, string linkUrl, string token)
{
    public ToolCaller(SharedServer shared) : this(shared.Server, shared.SessionId, shared.LinkUrl, shared.Token) { }

    public async Task<ToolReply> CallAsync(string tool, JsonObject args, Route route = Route.Api)
    {
        Answer answer = route == Route.Api
            ? await server.PostAsync("/mcp?autoGenSession=false",
                new JsonObject { ["sessionId"] = sessionId, ["name"] = tool, ["args"] = args.ToJsonString() })
            : await server.PostAsync($"{linkUrl}/callTool", new JsonObject
            {
                ["args"] = args, ["server"] = "wuying_codespace", ["requestId"] = "link-1700000000000-123456789", ["tool"] = tool, ["token"] = token,
            }, key: null, headers: new Dictionary<string, string> { ["X-Access-Token"] = token });
        JsonNode? result = route == Route.Api ? answer.Data : answer.Data?["result"];
        if (result is null)
            return new ToolReply(answer, true, answer.Message ?? answer.Text);
        JsonArray content = result["content"]!.AsArray();
        Assert.Single(content);   // one text item: the SDKs join text items (API) or take the first (LinkUrl)
        Assert.Equal("text", content[0]!["type"]!.GetValue<string>());
        if (result["isError"]!.GetValue<bool>())
            Assert.Equal("", answer.Message);   // the envelope's message would outrank the tool's text in the SDKs
        return new ToolReply(answer, result["isError"]!.GetValue<bool>(), content[0]!["text"]!.GetValue<string>());
    }

    /// <summary>Calls and asserts success; returns the text.</summary>
    public async Task<string> OkAsync(string tool, JsonObject args, Route route = Route.Api)
    {
        ToolReply reply = await CallAsync(tool, args, route);
        Assert.True(reply.Ok, $"{tool}: {reply.Text}");
        return reply.Text;
    }

    /// <summary>FileSystem.write as both SDKs do it: slices of 51,200 characters, the first in the caller's mode, the rest appended.</summary>
    public async Task SdkWriteAsync(string path, string content, Route route = Route.Api, string mode = "overwrite")
    {
        for (int at = 0; at == 0 || at < content.Length; at += 51_200)
            await OkAsync("write_file", new JsonObject
            {
                ["path"] = path, ["content"] = content.Substring(at, Math.Min(51_200, content.Length - at)), ["mode"] = at == 0 ? mode : "append",
            }, route);
    }

    /// <summary>
    /// FileSystem.read as both SDKs do it: get_file_info, refuse a folder, then read_file windows of 51,200 bytes until
    /// offset reaches size, joining the pieces.
    /// </summary>
    public async Task<string> SdkReadAsync(string path, Route route = Route.Api, string? format = null)
    {
        Dictionary<string, string> info = Info(await OkAsync("get_file_info", new JsonObject { ["path"] = path }, route));
        Assert.Equal("false", info["isDirectory"]);
        long size = long.Parse(info["size"]);
        var pieces = new List<string>();
        for (long offset = 0; offset < size; offset += Math.Min(51_200, size - offset))
        {
            var args = new JsonObject { ["path"] = path, ["offset"] = offset, ["length"] = Math.Min(51_200, size - offset) };
            if (format is not null)
                args["format"] = format;
            pieces.Add(await OkAsync("read_file", args, route));
        }
        return string.Concat(pieces);
    }

    /// <summary>get_file_info's lines, split on the first colon (the Python SDK's parser).</summary>
    public static Dictionary<string, string> Info(string text) => text.Split('\n').Where(l => l.Contains(':'))
        .ToDictionary(l => l[..l.IndexOf(':')].Trim(), l => l[(l.IndexOf(':') + 1)..].Trim());

    /// <summary>read_multiple_files' blocks, as the SDKs parse them (agb-tools.md §2).</summary>
    public static Dictionary<string, string> Blocks(string text)
    {
        var result = new Dictionary<string, string>();
        string? path = null;
        var lines = new List<string>();
        void Close()
        {
            if (path is not null)
                result[path] = string.Join('\n', lines).Trim();
            path = null;
            lines.Clear();
        }
        foreach (string line in text.Split('\n'))
        {
            if (line.Trim() == "---")
                Close();
            else if (path is null && line.Contains(':'))
            {
                path = line[..line.IndexOf(':')];
                if (line[(line.IndexOf(':') + 1)..].Trim() is { Length: > 0 } first)
                    lines.Add(first);
            }
            else if (path is not null)
                lines.Add(line);
        }
        Close();
        return result;
    }
}
