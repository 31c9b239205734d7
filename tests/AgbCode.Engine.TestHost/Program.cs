using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Sessions;
using AgbCode.Engine;

// Reads one JSON command per line and answers with one JSON line:
//   {"op":"create","limits":{...SessionLimits}?,"network":["host:port",...]?,"contexts":["name[:path]",...]?,"tenant":..?} -> {"id":..., "footprint":{Uid, Workspace, Cgroups, SlotFile}, "isolation":[...]}
//   {"op":"run","id":..,"language":..,"code":..,"timeout":..} -> the result
//   {"op":"start","id":..,"language":..}            -> {"started":true}
//   {"op":"delete","id":..}                           -> {"deleted":true}
//   {"op":"newcontext","name":..,"tenant":..?}        -> the ContextInfo
if (args.Contains("--leaks"))
    return CheckLeaks();

await using var space = new LocalCodeSpace();
Console.CancelKeyPress += (_, e) => e.Cancel = true;   // like pwsh: Ctrl+C at the terminal does not end the engine
var options = new JsonSerializerOptions { WriteIndented = false };
string? line;
while ((line = Console.ReadLine()) is not null)
{
    JsonNode command = JsonNode.Parse(line)!;
    JsonNode answer;
    try
    {
        answer = await Handle(command);
    }
    catch (Exception failure)
    {
        answer = new JsonObject { ["error"] = failure is AgbCode.Core.Errors.AgbException agb ? agb.MessageWithFix : failure.Message };
    }
    Console.WriteLine(answer.ToJsonString(options));
}
return 0;

// --leaks: after a test run, anything of AgbCode on this host that no living engine owns fails the run.
static int CheckLeaks()
{
    var root = AgbCode.Engine.Platform.StateRoot.Resolve();
    var uids = AgbCode.Engine.Platform.UidPolicy.For(root);
    IReadOnlyList<string> strays = [];
    for (int attempt = 0; attempt < 50; attempt++)   // engines of test processes that just ended may still be tidying up
    {
        strays = AgbCode.Engine.HostInventory.Strays(root, uids);
        if (strays.Count == 0)
            break;
        Thread.Sleep(200);
    }
    foreach (string stray in strays)
        Console.WriteLine($"leak: {stray}");
    Console.WriteLine(strays.Count == 0 ? "leak check: nothing left behind" : $"leak check: {strays.Count} things left behind");
    return strays.Count == 0 ? 0 : 1;
}

async Task<JsonNode> Handle(JsonNode command)
{
    switch ((string?)command["op"])
    {
        case "create":
            var limits = command["limits"]?.Deserialize<SessionLimits>() ?? SessionLimits.Default;
            var network = NetworkAllowList.Parse(command["network"]?.Deserialize<string[]>());
            var contexts = (command["contexts"]?.Deserialize<string[]>() ?? []).Select(AgbCode.Core.Contexts.ContextMount.Parse).ToList();
            var session = await space.CreateSessionAsync(new SessionOptions
            {
                Limits = limits, Network = network, Contexts = contexts, Tenant = (string?)command["tenant"],
            });
            var footprint = ((LocalSession)session).Footprint;
            return new JsonObject
            {
                ["id"] = session.Id,
                ["footprint"] = JsonSerializer.SerializeToNode(footprint),
                ["isolation"] = JsonSerializer.SerializeToNode(session.Isolation.Protections),
                ["engine"] = Environment.ProcessId,
            };
        case "start":
            await (await space.GetSessionAsync((string)command["id"]!))!.StartKernelAsync((string)command["language"]!);
            return new JsonObject { ["started"] = true };
        case "run":
            var target = (await space.GetSessionAsync((string)command["id"]!))!;
            var result = await target.RunAsync(new RunRequest((string)command["code"]!, (string)command["language"]!, (double?)command["timeout"] ?? 60));
            return JsonSerializer.SerializeToNode(result)!;
        case "processgroup":
            return new JsonObject { ["pgid"] = getpgid(0) };
        case "newcontext":
            return JsonSerializer.SerializeToNode(await space.ContextsOf((string?)command["tenant"]).CreateAsync((string)command["name"]!))!;
        case "deletecontext":
            return new JsonObject { ["deleted"] = await space.ContextsOf((string?)command["tenant"]).DeleteAsync((string)command["name"]!) };
        case "delete":
            return new JsonObject { ["deleted"] = await space.DeleteSessionAsync((string)command["id"]!) };
        default:
            return new JsonObject { ["error"] = "unknown op" };
    }
}

[System.Runtime.InteropServices.DllImport("libc")]
static extern int getpgid(int pid);
