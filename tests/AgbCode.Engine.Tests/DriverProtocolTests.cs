using System.Collections.Frozen;
using System.Text.RegularExpressions;
using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The drivers keep their own literals (they are other languages); this reads the sources the engine ships and checks
/// that every message type they send is in the engine's one protocol table, and that docs/protocol.md names each.
/// </summary>
public sealed class DriverProtocolTests
{
    /// <summary>How each language writes "a message of this type", and which side of the supervisor it speaks to.</summary>
    public static TheoryData<string, string, bool> Sources => new()
    {
        { "drivers/agb_protocol.py", PythonMessage, true },
        { "drivers/agb_supervision.py", PythonMessage, true },
        { "drivers/python/", PythonMessage, true },
        { "drivers/javascript/", JavaScriptMessage, false },
        { "drivers/java/", JavaMessage, false },
        { "drivers/r/", RMessage, false },
    };

    private const string PythonMessage = """["']type["']\s*:\s*["'](\w+)["']""";
    private const string JavaScriptMessage = """\btype\s*:\s*'(\w+)'""";
    private const string JavaMessage = @"\bmessage\(\s*""(\w+)""";
    private const string RMessage = @"\blist\(\s*type\s*=\s*""(\w+)""";

    [Theory]
    [MemberData(nameof(Sources))]
    public void Every_message_type_a_driver_sends_is_in_the_protocol_table(string source, string pattern, bool speaksToEngine)
    {
        FrozenSet<string> table = speaksToEngine ? DriverProtocol.DriverMessages : DriverProtocol.EvaluatorMessages;
        string[] files = [.. ShippedFiles(source)];
        Assert.NotEmpty(files);
        var sent = files.SelectMany(text => Regex.Matches(text, pattern).Select(m => m.Groups[1].Value)).ToHashSet();
        Assert.NotEmpty(sent);   // the pattern still finds this language's messages
        Assert.Empty(sent.Except(table));
    }

    [Fact]
    public void Every_type_of_the_table_is_sent_by_some_driver()
    {
        var sent = Sources.SelectMany(row => ShippedFiles((string)row[0])
            .SelectMany(text => Regex.Matches(text, (string)row[1]).Select(m => m.Groups[1].Value))).ToHashSet();
        Assert.Empty(DriverProtocol.DriverMessages.Union(DriverProtocol.EvaluatorMessages).Except(sent));
    }

    [Fact]
    public void The_protocol_document_names_every_type_and_request_field()
    {
        string doc = File.ReadAllText(AgbCode.Tests.Shared.RepositoryFiles.PathOf("docs/protocol.md"));
        string[] names =
        [
            .. DriverProtocol.DriverMessages, .. DriverProtocol.EvaluatorMessages, DriverProtocol.Request.Execute,
            DriverProtocol.Request.Code, DriverProtocol.Request.Filename, DriverProtocol.Request.ExecutionCount, DriverProtocol.Request.OutputCap,
        ];
        string[] missing = [.. names.Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal))];
        Assert.Empty(missing);
    }

    /// <summary>The evaluator's SIGINT worker posts messages between two threads of one process, not on the protocol.</summary>
    private const string InProcessMessages = "agb_node_sigint_worker.js";

    /// <summary>The text of the driver sources the engine carries under this name or folder.</summary>
    private static IEnumerable<string> ShippedFiles(string source)
    {
        var assembly = typeof(DriverProtocol).Assembly;
        foreach (string name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("runtime/" + source, StringComparison.Ordinal)
                     && !n.Contains("/node_modules/", StringComparison.Ordinal) && !n.EndsWith(InProcessMessages, StringComparison.Ordinal)
                     && Path.GetExtension(n) is ".py" or ".js" or ".java" or ".R"))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            yield return reader.ReadToEnd();
        }
    }
}
