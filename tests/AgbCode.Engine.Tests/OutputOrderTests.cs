using AgbCode.Core.Results;
using AgbCode.Engine.Tests.Support;

namespace AgbCode.Engine.Tests;

/// <summary>
/// Stdout and stderr reach the observer in the order the program printed them, in every language: proved by the sequence
/// of events over many alternations, which two independently relayed pipes would get wrong.
/// </summary>
public class OutputOrderTests(SessionFixture fixture) : IClassFixture<SessionFixture>
{
    private const int Rounds = 200;

    public static TheoryData<string, string> Alternating => new()
    {
        { "python", $"import sys\nfor i in range(1, {Rounds + 1}):\n    print(f'tick {{i}}')\n    print(f'err {{i}}', file=sys.stderr)" },
        { "javascript", $"for (let i = 1; i <= {Rounds}; i++) {{ console.log(`tick ${{i}}`); console.error(`err ${{i}}`); }}" },
        { "java", $"for (int i = 1; i <= {Rounds}; i++) {{ System.out.println(\"tick \" + i); System.err.println(\"err \" + i); }}" },
        { "r", $"for (i in 1:{Rounds}) {{ cat('tick ', i, '\\n', sep = ''); message('err ', i) }}" },
    };

    [Theory]
    [MemberData(nameof(Alternating))]
    public async Task Alternating_stdout_and_stderr_arrive_in_program_order(string language, string code)
    {
        var log = new EventLog();
        EnhancedCodeExecutionResult result = await fixture.Run(language, code, timeoutSec: 120, observer: log);

        Assert.True(result.Success, result.ErrorMessage);
        IEnumerable<string> expected = Enumerable.Range(1, Rounds).SelectMany(i => (string[])[$"stdout:tick {i}", $"stderr:err {i}"]);
        Assert.Equal(expected, Lines(log));
    }

    [Fact]
    public async Task R_code_writing_to_stderr_itself_keeps_program_order()
    {
        var log = new EventLog();
        EnhancedCodeExecutionResult result = await fixture.Run("r", $$"""
            for (i in 1:{{Rounds}}) {
              cat('tick ', i, '\n', sep = '')
              switch(i %% 3 + 1, cat('err ', i, '\n', sep = '', file = stderr()), writeLines(paste0('err ', i), stderr()),
                     write(paste0('err ', i), stderr()))
            }
            """, timeoutSec: 120, observer: log);

        Assert.True(result.Success, result.ErrorMessage);
        IEnumerable<string> expected = Enumerable.Range(1, Rounds).SelectMany(i => (string[])[$"stdout:tick {i}", $"stderr:err {i}"]);
        Assert.Equal(expected, Lines(log));
    }

    [Fact]
    public async Task An_R_message_lands_between_the_stdout_before_and_after_it()
    {
        var log = new EventLog();
        await fixture.Run("r", "cat('a'); message('m'); cat('b\\n')", timeoutSec: 120, observer: log);

        Assert.Equal(["stdout:a", "stderr:m\n", "stdout:b\n"], log.Events.Where(e => e.Kind is "stdout" or "stderr").Select(e => $"{e.Kind}:{e.Text}"));
    }

    [Fact]
    public async Task An_R_warning_comes_after_the_output_printed_before_it()
    {
        var log = new EventLog();
        await fixture.Run("r", "cat('ok\\n')\nwarning('careful')\ncat('after\\n')", timeoutSec: 120, observer: log);

        Assert.Equal(["stdout:ok", "stderr:Warning message:", "stderr:careful ", "stdout:after"], Lines(log));
    }

    /// <summary>Each stream's text cut into lines, tagged with the stream, in the order the events came.</summary>
    private static List<string> Lines(EventLog log)
    {
        var lines = new List<string>();
        var partial = new Dictionary<string, string> { ["stdout"] = "", ["stderr"] = "" };
        foreach (var (kind, text, _) in log.Events.Where(e => e.Kind is "stdout" or "stderr"))
        {
            string[] parts = (partial[kind] + text).Split('\n');
            lines.AddRange(parts[..^1].Select(p => $"{kind}:{p}"));
            partial[kind] = parts[^1];
        }
        return lines;
    }
}
