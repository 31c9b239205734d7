using System.Globalization;
using System.Text;
using System.Text.Json;
using AgbCode.Core.Errors;

namespace AgbCode.Core.Values;

/// <summary>
/// Java declarations from JSON: the JDK has no JSON parser, so values are typed literals (String, long, double,
/// boolean, List&lt;Object&gt;, Map&lt;String, Object&gt; with Long/Double/String/Boolean/null inside).
/// </summary>
internal static class JavaLiterals
{
    /// <summary>javac keeps a string constant under 64 KiB of modified UTF-8: longer text is appended in pieces.</summary>
    private const int StringPiece = 8 * 1024;
    /// <summary>
    /// JShell compiles a declaration's initializer into one method, which the JVM caps at 64 KiB of bytecode: about this
    /// many literal items fit with room to spare.
    /// </summary>
    public const int MaxItems = 2000;

    /// <summary>
    /// Builds an ordered map that may hold nulls (Map.of cannot) from alternating keys and values. One lambda, declared
    /// once per run before the variables: a lambda per map literal made javac take a second for a hundred objects.
    /// </summary>
    private const string MapMaker = "agb$map";

    public const string MapMakerDeclaration =
        "java.util.function.Function<Object[], java.util.Map<String, Object>> " + MapMaker + " = kv -> { " +
        "var m = new java.util.LinkedHashMap<String, Object>(); for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]); return m; };";

    public static string Declaration(string name, JsonElement value)
    {
        int items = Count(value);
        if (items > MaxItems)
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.VariableTooLarge,
                $"The Java variable '{name}' would hold {items} items; Java variables are compiled as literals, and one declaration holds at most {MaxItems}.",
                "Pass the data as one JSON string and parse it in Java, or write it to a file in the session (Copy-AgbItem) and read it there.");
        string type = value.ValueKind switch
        {
            JsonValueKind.String => "String",
            JsonValueKind.Number => value.TryGetInt64(out _) ? "long" : "double",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Array => "java.util.List<Object>",
            JsonValueKind.Object => "java.util.Map<String, Object>",
            _ => "Object",
        };
        return $"{type} {name} = {Literal(value)};";
    }

    public static string StringArray(string name, IEnumerable<string> values) =>
        $"String[] {name} = new String[] {{{string.Join(", ", values.Select(Text))}}};";

    private static int Count(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => 1 + value.EnumerateArray().Sum(Count),
        JsonValueKind.Object => 1 + value.EnumerateObject().Sum(p => 1 + Count(p.Value)),
        JsonValueKind.String => 1 + value.GetString()!.Length / StringPiece,
        _ => 1,
    };

    private static string Literal(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value.GetString()!),
        JsonValueKind.Number => Number(value),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Array => value.GetArrayLength() == 0
            ? "new java.util.ArrayList<Object>()"
            : $"new java.util.ArrayList<Object>(java.util.Arrays.asList(new Object[] {{{string.Join(", ", value.EnumerateArray().Select(Literal))}}}))",
        JsonValueKind.Object => $"{MapMaker}.apply(new Object[] {{{string.Join(", ", value.EnumerateObject().Select(p => $"{Text(p.Name)}, {Literal(p.Value)}"))}}})",
        _ => "null",
    };

    private static string Number(JsonElement value)
    {
        if (value.TryGetInt64(out long integer))
            return integer.ToString(CultureInfo.InvariantCulture) + "L";
        double real = value.GetDouble();   // JSON numbers beyond double's range read as infinity
        if (double.IsPositiveInfinity(real))
            return "Double.POSITIVE_INFINITY";
        if (double.IsNegativeInfinity(real))
            return "Double.NEGATIVE_INFINITY";
        string text = real.ToString("R", CultureInfo.InvariantCulture);
        return text.Contains('.') || text.Contains('E') ? text + "d" : text + ".0d";
    }

    private static string Text(string text)
    {
        if (text.Length <= StringPiece)
            return StringLiterals.Quote(text, java: true);
        var pieces = new StringBuilder($"new StringBuilder({text.Length})");
        int start = 0;
        while (start < text.Length)
        {
            int length = Math.Min(StringPiece, text.Length - start);
            if (char.IsHighSurrogate(text[start + length - 1]) && start + length < text.Length)
                length++;   // never split a surrogate pair
            pieces.Append(".append(").Append(StringLiterals.Quote(text.Substring(start, length), java: true)).Append(')');
            start += length;
        }
        return pieces.Append(".toString()").ToString();
    }
}
