using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Numerics;
using System.Text.Encodings.Web;
using System.Text.Json;
using AgbCode.Core.Results;
using AgbCode.Core.Values;

namespace AgbCode.PowerShell.Values;

/// <summary>
/// PowerShell objects as JSON, for -Variable: hashtables and PSCustomObjects as objects, lists as arrays, dates as
/// ISO 8601, enums by name, other objects by their properties. Bounded in size and depth as it writes.
/// </summary>
internal sealed class PowerShellJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly ValueLimits _limits;
    private long _used;

    public PowerShellJson(ValueLimits limits) => _limits = limits;

    /// <summary>Each entry as a JSON value, by name; throws a bad-input error when the whole passes a limit.</summary>
    public Dictionary<string, JsonElement> Convert(IDictionary variables)
    {
        var converted = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in variables)
        {
            string name = entry.Key is PSObject key ? key.BaseObject.ToString() ?? "" : entry.Key?.ToString() ?? "";
            converted[name] = Element(name, entry.Value);
        }
        return converted;
    }

    private JsonElement Element(string name, object? value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            Write(writer, name, value, 0);
        _used += buffer.WrittenCount + name.Length;
        if (_used > _limits.MaxBytes)
            throw _limits.TooLarge(name);
        using JsonDocument document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = _limits.MaxDepth + 2 });
        return document.RootElement.Clone();
    }

    private void Write(Utf8JsonWriter writer, string name, object? value, int depth)
    {
        if (_used + writer.BytesCommitted + writer.BytesPending > _limits.MaxBytes)
            throw _limits.TooLarge(name);
        if (depth > _limits.MaxDepth)
            throw _limits.TooDeep(name);
        PSObject? wrapper = value as PSObject;
        object? bare = wrapper?.BaseObject ?? value;
        switch (bare)
        {
            case null or DBNull:
                writer.WriteNullValue();
                break;
            case string or char or Guid or Uri or Version or ScriptBlock:
                writer.WriteStringValue(bare.ToString());
                break;
            case bool flag:
                writer.WriteBooleanValue(flag);
                break;
            case Enum named:
                writer.WriteStringValue(named.ToString());
                break;
            case DateTime date:
                writer.WriteStringValue(date.ToString("o", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset date:
                writer.WriteStringValue(date.ToString("o", CultureInfo.InvariantCulture));
                break;
            case TimeSpan span:
                writer.WriteStringValue(System.Xml.XmlConvert.ToString(span));   // ISO 8601 duration, e.g. PT1H30M
                break;
            case double or float:
                double real = System.Convert.ToDouble(bare, CultureInfo.InvariantCulture);
                if (double.IsFinite(real))
                    JsonData.WriteReal(writer, real);   // 21.0 stays a real in the kernel: a Python float, a Java double
                else
                    writer.WriteStringValue(real.ToString(CultureInfo.InvariantCulture));   // as ConvertTo-Json: "NaN", "Infinity"
                break;
            case decimal money:
                writer.WriteNumberValue(money);
                break;
            case BigInteger big:
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
                break;
            case ulong unsigned:
                writer.WriteNumberValue(unsigned);
                break;
            case byte or sbyte or short or ushort or int or uint or long:
                writer.WriteNumberValue(System.Convert.ToInt64(bare, CultureInfo.InvariantCulture));
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case PSCustomObject:
                WriteProperties(writer, name, wrapper!, depth);
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(entry.Key is PSObject key ? key.BaseObject.ToString() ?? "" : entry.Key?.ToString() ?? "");
                    Write(writer, name, entry.Value, depth + 1);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable items:
                writer.WriteStartArray();
                foreach (object? item in items)
                    Write(writer, name, item, depth + 1);
                writer.WriteEndArray();
                break;
            default:
                WriteProperties(writer, name, wrapper ?? PSObject.AsPSObject(bare), depth);
                break;
        }
    }

    /// <summary>An object's readable properties (note, script and .NET ones), as ConvertTo-Json takes them.</summary>
    private void WriteProperties(Utf8JsonWriter writer, string name, PSObject value, int depth)
    {
        writer.WriteStartObject();
        foreach (PSPropertyInfo property in value.Properties)
        {
            if (!property.IsGettable)
                continue;
            object? item;
            try
            {
                item = property.Value;
            }
            catch (Exception failure) when (failure is GetValueException or GetValueInvocationException or ExtendedTypeSystemException)
            {
                continue;   // a property that throws when read has no value to pass
            }
            writer.WritePropertyName(property.Name);
            Write(writer, name, item, depth + 1);
        }
        writer.WriteEndObject();
    }
}
