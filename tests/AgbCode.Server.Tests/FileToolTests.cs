using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Server.Tests.Support;

namespace AgbCode.Server.Tests;

/// <summary>
/// The AGB file tools on a real server and sandbox, called the way the SDKs' integration tests call them
/// (agb-tools.md §2, §6: filesystem.test.ts, filesystem-advanced.test.ts, test_agb_filesystem.py,
/// test_filesystem_binary.py, watch-directory.test.ts), on both routes.
/// </summary>
[Collection(SharedServerCollection.Name)]
public class FileToolTests(SharedServer shared)
{
    private readonly ToolCaller _tools = new(shared);
    private readonly string _dir = "ft-" + Guid.NewGuid().ToString("N")[..8];

    private static JsonObject Path(string path) => new() { ["path"] = path };

    [Theory]
    [InlineData(Route.Api)]
    [InlineData(Route.Link)]
    public async Task Mkdir_write_read_and_a_100000_character_two_chunk_round_trip(Route route)
    {
        await _tools.OkAsync("create_directory", Path(_dir + "/"), route);
        await _tools.OkAsync("create_directory", Path(_dir + "/"), route);   // an existing folder, trailing slash: still fine
        await _tools.SdkWriteAsync($"{_dir}/small.txt", "Hello, AGB!\n", route);
        Assert.Equal("Hello, AGB!\n", await _tools.SdkReadAsync($"{_dir}/small.txt", route));
        string large = string.Concat(Enumerable.Range(0, 100_000).Select(i => (char)('a' + i % 26)));

        await _tools.SdkWriteAsync($"{_dir}/large.txt", large, route);

        Assert.Equal(large, await _tools.SdkReadAsync($"{_dir}/large.txt", route));
        Assert.Equal("100000", ToolCaller.Info(await _tools.OkAsync("get_file_info", Path($"{_dir}/large.txt"), route))["size"]);
        Assert.Equal(large, await _tools.OkAsync("read_file", Path($"{_dir}/large.txt"), route));   // callMcpTool read_file {path}: the whole file
    }

    [Fact]
    public async Task Chunked_reads_of_multibyte_text_rebuild_it_exactly()
    {
        // 2-, 3- and 4-byte characters, so 51,200-byte windows cut through characters of every length
        string text = string.Concat(Enumerable.Range(0, 30_000).Select(i => (i % 3) switch { 0 => "é", 1 => "€", _ => "😀" }));
        await _tools.SdkWriteAsync($"{_dir}/utf8.txt", text);

        Assert.Equal(text, await _tools.SdkReadAsync($"{_dir}/utf8.txt"));
    }

    [Fact]
    public async Task Binary_reads_and_writes_are_exact_base64_without_whitespace()
    {
        byte[] bytes = [.. Enumerable.Repeat(Enumerable.Range(0, 256).Select(i => (byte)i), 4).SelectMany(b => b)];
        await _tools.OkAsync("write_file", new JsonObject
        {
            ["path"] = $"/tmp/{_dir}.dat", ["content"] = Convert.ToBase64String(bytes), ["mode"] = "overwrite", ["format"] = "binary",
        });

        string base64 = await _tools.SdkReadAsync($"/tmp/{_dir}.dat", format: "binary");

        Assert.Matches("^[A-Za-z0-9+/]*={0,2}$", base64);
        Assert.Equal(bytes, Convert.FromBase64String(base64));
        ToolReply bad = await _tools.CallAsync("write_file", new JsonObject { ["path"] = $"{_dir}/x", ["content"] = "not base64!", ["mode"] = "overwrite", ["format"] = "binary" });
        Assert.True(bad.IsError);
        Assert.Contains("base64", bad.Text);
    }

    [Fact]
    public async Task Listing_an_empty_folder_is_empty_and_a_file_beside_a_folder_gives_exactly_two_entries()
    {
        await _tools.OkAsync("create_directory", Path(_dir));
        Assert.Equal("", await _tools.OkAsync("list_directory", Path(_dir)));
        await _tools.OkAsync("create_directory", Path($"{_dir}/sub"));
        await _tools.SdkWriteAsync($"{_dir}/a.txt", "a");

        string listing = await _tools.OkAsync("list_directory", Path(_dir + "/"));

        Assert.Equal(["[DIR] sub", "[FILE] a.txt"], listing.Split('\n').Select(l => l.Trim()).OrderBy(l => l, StringComparer.Ordinal));
        JsonArray json = JsonNode.Parse(await _tools.OkAsync("list_directory", new JsonObject { ["path"] = _dir, ["format"] = "json", ["recursive"] = true }))!.AsArray();
        Assert.Equal([$"{_dir}/a.txt", $"{_dir}/sub"], json.Select(e => e!["path"]!.GetValue<string>()));
        Assert.Equal(1, json[0]!["size"]!.GetValue<long>());
        Assert.Contains("is a file, not a folder", (await _tools.CallAsync("list_directory", Path($"{_dir}/a.txt"))).Text);
        Assert.Contains("No such item", (await _tools.CallAsync("list_directory", Path($"{_dir}/nothing"))).Text);
    }

    [Fact]
    public async Task File_info_reports_size_and_kind_and_a_missing_path_is_a_tool_error()
    {
        await _tools.SdkWriteAsync($"{_dir}/info.txt", "12345");

        Dictionary<string, string> file = ToolCaller.Info(await _tools.OkAsync("get_file_info", Path($"{_dir}/info.txt")));
        Dictionary<string, string> folder = ToolCaller.Info(await _tools.OkAsync("get_file_info", Path(_dir)));

        Assert.Equal(("info.txt", "5", "false", "file"), (file["name"], file["size"], file["isDirectory"], file["type"]));
        Assert.Matches("^-rw", file["mode"]);
        Assert.Equal("true", folder["isDirectory"]);
        ToolReply missing = await _tools.CallAsync("get_file_info", Path($"{_dir}/nope.txt"));
        Assert.True(missing.IsError);
        Assert.Contains("no file or folder", missing.Text);
    }

    [Fact]
    public async Task Edit_replaces_exact_text_and_an_absent_oldText_changes_nothing()
    {
        await _tools.SdkWriteAsync($"{_dir}/edit.txt", "Original content\n");

        await _tools.OkAsync("edit_file", new JsonObject
        {
            ["path"] = $"{_dir}/edit.txt", ["edits"] = new JsonArray(new JsonObject { ["oldText"] = "Original content\n", ["newText"] = "Edited\n" }), ["dryRun"] = false,
        });
        Assert.Equal("Edited\n", await _tools.SdkReadAsync($"{_dir}/edit.txt"));

        ToolReply absent = await _tools.CallAsync("edit_file", new JsonObject
        {
            ["path"] = $"{_dir}/edit.txt", ["edits"] = new JsonArray(new JsonObject { ["oldText"] = "Edited\n", ["newText"] = "X" }, new JsonObject { ["oldText"] = "missing", ["newText"] = "Y" }),
            ["dryRun"] = false,
        });
        Assert.True(absent.IsError);
        Assert.Equal("Edited\n", await _tools.SdkReadAsync($"{_dir}/edit.txt"));   // all or nothing: the first edit did not apply either
        await _tools.OkAsync("edit_file", new JsonObject
        {
            ["path"] = $"{_dir}/edit.txt", ["edits"] = new JsonArray(new JsonObject { ["oldText"] = "Edited", ["newText"] = "Dry" }), ["dryRun"] = true,
        });
        Assert.Equal("Edited\n", await _tools.SdkReadAsync($"{_dir}/edit.txt"));
    }

    [Fact]
    public async Task Move_and_delete_leave_nothing_readable_at_the_old_path()
    {
        await _tools.SdkWriteAsync($"{_dir}/from.txt", "moving");

        await _tools.OkAsync("move_file", new JsonObject { ["source"] = $"{_dir}/from.txt", ["destination"] = $"{_dir}/to.txt" });

        Assert.True((await _tools.CallAsync("read_file", Path($"{_dir}/from.txt"))).IsError);
        Assert.Equal("moving", await _tools.SdkReadAsync($"{_dir}/to.txt"));
        await _tools.OkAsync("delete_file", Path($"{_dir}/to.txt"));
        Assert.True((await _tools.CallAsync("read_file", Path($"{_dir}/to.txt"))).IsError);
        Assert.True((await _tools.CallAsync("get_file_info", Path($"{_dir}/to.txt"))).IsError);
        ToolReply again = await _tools.CallAsync("delete_file", Path($"{_dir}/to.txt"));
        Assert.True(again.IsError);
        Assert.False(string.IsNullOrEmpty(again.Answer.RequestIdHeader ?? again.Answer.Json?["requestId"]?.GetValue<string>()));
    }

    [Fact]
    public async Task Search_finds_names_by_glob_below_the_folder_and_says_when_nothing_matches()
    {
        await _tools.SdkWriteAsync($"{_dir}/a.txt", "a");
        await _tools.SdkWriteAsync($"{_dir}/deep/b.txt", "b");
        await _tools.SdkWriteAsync($"{_dir}/c.md", "c");
        await _tools.SdkWriteAsync($"{_dir}/skip/d.txt", "d");

        string found = await _tools.OkAsync("search_files", new JsonObject { ["path"] = _dir, ["pattern"] = "*.txt", ["excludePatterns"] = new JsonArray("skip") });

        Assert.Equal([$"{_dir}/a.txt", $"{_dir}/deep/b.txt"], found.Trim().Split('\n'));
        Assert.Equal($"{_dir}/c.md", await _tools.OkAsync("search_files", new JsonObject { ["path"] = _dir, ["pattern"] = "C." }));
        Assert.Equal("No matches found", await _tools.OkAsync("search_files", new JsonObject { ["path"] = _dir, ["pattern"] = "*.zip" }));
    }

    [Fact]
    public async Task Read_multiple_files_gives_one_block_per_requested_path()
    {
        await _tools.SdkWriteAsync($"{_dir}/one.txt", "first\nline two");
        await _tools.SdkWriteAsync($"{_dir}/two.txt", "second");

        Dictionary<string, string> blocks = ToolCaller.Blocks(await _tools.OkAsync("read_multiple_files",
            new JsonObject { ["paths"] = new JsonArray($"{_dir}/one.txt", $"{_dir}/two.txt", $"{_dir}/none.txt") }));

        Assert.Equal([$"{_dir}/one.txt", $"{_dir}/two.txt", $"{_dir}/none.txt"], blocks.Keys);
        Assert.Equal(("first\nline two", "second"), (blocks[$"{_dir}/one.txt"], blocks[$"{_dir}/two.txt"]));
        Assert.StartsWith("Error - ", blocks[$"{_dir}/none.txt"]);
    }

    [Fact]
    public async Task File_change_reports_creations_and_each_rewrite_since_the_previous_call()
    {
        await _tools.SdkWriteAsync($"{_dir}/watched.txt", "v1");
        Assert.Equal("[]", await _tools.OkAsync("get_file_change", Path(_dir)));   // the baseline

        await _tools.SdkWriteAsync($"{_dir}/watched.txt", "version 2");
        await _tools.SdkWriteAsync($"{_dir}/new.txt", "n");
        JsonArray events = JsonNode.Parse(await _tools.OkAsync("get_file_change", Path(_dir)))!.AsArray();

        Assert.Equal([("create", $"{_dir}/new.txt", "file"), ("modify", $"{_dir}/watched.txt", "file")],
            events.Select(e => (e!["eventType"]!.GetValue<string>(), e["path"]!.GetValue<string>(), e["pathType"]!.GetValue<string>())).Order());
        await _tools.OkAsync("delete_file", Path($"{_dir}/new.txt"));
        JsonArray deleted = JsonNode.Parse(await _tools.OkAsync("get_file_change", Path(_dir)))!.AsArray();
        Assert.Equal("delete", Assert.Single(deleted)!["eventType"]!.GetValue<string>());
    }

    [Fact]
    public async Task Hostile_names_cannot_forge_entries_in_the_line_answers_and_json_keeps_them_exact()
    {
        await _tools.OkAsync("create_directory", Path(_dir));
        string name = "evil\n[DIR] forged";
        await _tools.OkAsync("shell", new JsonObject { ["command"] = "touch -- \"$N\"", ["timeout_ms"] = 30_000, ["cwd"] = _dir, ["envs"] = new JsonObject { ["N"] = name } });

        string listing = await _tools.OkAsync("list_directory", Path(_dir));

        Assert.Equal("[FILE] evil\uFFFD[DIR] forged", listing);
        JsonArray json = JsonNode.Parse(await _tools.OkAsync("list_directory", new JsonObject { ["path"] = _dir, ["format"] = "json" }))!.AsArray();
        Assert.Equal(name, Assert.Single(json)!["name"]!.GetValue<string>());
        Assert.Equal("evil\uFFFD[DIR] forged", ToolCaller.Info(await _tools.OkAsync("get_file_info", Path($"{_dir}/{name}")))["name"]);
        JsonObject info = JsonNode.Parse(await _tools.OkAsync("get_file_info", new JsonObject { ["path"] = $"{_dir}/{name}", ["format"] = "json" }))!.AsObject();
        Assert.Equal((name, $"{_dir}/{name}", false), (info["name"]!.GetValue<string>(), info["path"]!.GetValue<string>(), info["isDirectory"]!.GetValue<bool>()));
    }

    [Fact]
    public async Task Refusals_end_with_the_engine_s_error_id_the_AgbCode_client_reads_back()
    {
        await _tools.SdkWriteAsync($"{_dir}/keep.txt", "x");

        ToolReply notEmpty = await _tools.CallAsync("delete_file", Path(_dir));
        ToolReply missing = await _tools.CallAsync("get_file_info", Path($"{_dir}/nothing"));
        ToolReply unreadable = await _tools.CallAsync("read_file", Path($"{_dir}/nothing"));

        Assert.True(notEmpty.IsError);
        Assert.EndsWith(" [AgbFolderNotEmpty]", notEmpty.Text);
        Assert.EndsWith(" [AgbItemNotFound]", missing.Text);
        Assert.EndsWith(" [AgbItemNotFound]", unreadable.Text);
        Assert.Equal("x", await _tools.SdkReadAsync($"{_dir}/keep.txt"));
    }

    [Fact]
    public async Task The_tool_list_says_how_many_bytes_one_call_moves_and_which_extensions_there_are()
    {
        Answer listed = await shared.Server.PostAsync("/mcp/listTools?imageId=agb-code-space-1", "{}");
        JsonObject tools = new(JsonNode.Parse(listed.Data!.GetValue<string>())!.AsArray()
            .Select(t => KeyValuePair.Create(t!["name"]!.GetValue<string>(), (JsonNode?)t["inputSchema"]!["properties"]!.DeepClone())));

        Assert.Equal(4 * 1024 * 1024, tools["read_file"]!["length"]!["maximum"]!.GetValue<long>());   // default chunk; its base64 fits the 8 MiB body cap
        Assert.NotNull(tools["write_file"]!["format"]);
        Assert.NotNull(tools["get_file_info"]!["format"]);
        Assert.NotNull(tools["delete_file"]!["recursive"]);
        foreach (string tool in new[] { "list_directory", "read_file", "create_directory", "delete_file", "get_file_info", "write_file" })
            Assert.Equal("string", tools[tool]!["path"]!["type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reads_and_writes_past_the_chunk_limit_are_refused_with_the_setting_to_raise()
    {
        const int limit = 4 * 1024 * 1024;
        ToolReply write = await _tools.CallAsync("write_file", new JsonObject { ["path"] = $"{_dir}/big", ["content"] = new string('x', limit + 1), ["mode"] = "overwrite" });
        ToolReply read = await _tools.CallAsync("read_file", new JsonObject { ["path"] = $"{_dir}/big", ["offset"] = 0, ["length"] = limit + 1 });
        await _tools.OkAsync("shell", new JsonObject { ["command"] = $"mkdir -p {_dir} && head -c {limit + 1} /dev/zero > {_dir}/big", ["timeout_ms"] = 30_000 });
        ToolReply whole = await _tools.CallAsync("read_file", Path($"{_dir}/big"));

        foreach (ToolReply refused in new[] { write, read, whole })
        {
            Assert.True(refused.IsError);
            Assert.Contains("AGBCODE_MAX_FILE_CHUNK_BYTES", refused.Text);
        }
        Assert.Equal($"{limit + 1}", ToolCaller.Info(await _tools.OkAsync("get_file_info", Path($"{_dir}/big")))["size"]);   // the file itself is fine
    }

    [Fact]
    public async Task A_write_on_a_deleted_session_fails_with_a_message()
    {
        string id = (await shared.Server.CreateSessionAsync())["sessionId"]!.GetValue<string>();
        await shared.Server.DeleteSessionAsync(id);

        Answer answer = await shared.Server.PostAsync("/mcp?autoGenSession=false", new JsonObject
        {
            ["sessionId"] = id, ["name"] = "write_file", ["args"] = new JsonObject { ["path"] = "x.txt", ["content"] = "x", ["mode"] = "overwrite" }.ToJsonString(),
        });

        Assert.Equal((400, "InvalidMcpSession.NotFound", false), (answer.Status, answer.Code, answer.Success));
        Assert.Contains(id, answer.Message);
    }

    [Fact]
    public async Task Unknown_tools_and_bad_arguments_fail_with_a_message()
    {
        ToolReply unknown = await _tools.CallAsync("non_existent_tool_12345", []);
        Assert.Equal((400, "InvalidMcpTool.NotFound"), (unknown.Answer.Status, unknown.Answer.Code));
        Assert.Contains("write_file", unknown.Text);

        ToolReply noPath = await _tools.CallAsync("read_file", []);
        Assert.True(noPath.IsError);
        Assert.Equal("read_file: the argument 'path' is required.", noPath.Text);
        ToolReply badMode = await _tools.CallAsync("write_file", new JsonObject { ["path"] = "x", ["content"] = "", ["mode"] = "truncate" });
        Assert.Contains("mode 'truncate'", badMode.Text);
    }
}
