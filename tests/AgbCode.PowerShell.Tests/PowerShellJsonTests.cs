using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Values;
using AgbCode.PowerShell.Values;

namespace AgbCode.PowerShell.Tests;

/// <summary>-Variable's PowerShell objects as JSON: each kind of value, and the size and depth bounds.</summary>
public class PowerShellJsonTests
{
    private static string Json(object? value, ValueLimits? limits = null)
    {
        var variables = new OrderedDictionary { ["v"] = value };
        return new PowerShellJson(limits ?? ValueLimits.Default).Convert(variables)["v"].GetRawText();
    }

    private static PSObject Custom(params (string Name, object? Value)[] properties)
    {
        var custom = new PSObject();
        foreach (var (name, value) in properties)
            custom.Properties.Add(new PSNoteProperty(name, value));
        return custom;
    }

    [Fact]
    public void Scalars_keep_their_JSON_types()
    {
        Assert.Equal("O'Brien \"q\" é 😀", JsonDocument.Parse(Json("O'Brien \"q\" é 😀")).RootElement.GetString());
        Assert.Equal("80", Json(80));
        Assert.Equal("1.5", Json(1.5));
        Assert.Equal("12.50", Json(12.50m));
        Assert.Equal("true", Json(true));
        Assert.Equal("null", Json(null));
        Assert.Equal("\"c\"", Json('c'));
        Assert.Equal("\"NaN\"", Json(double.NaN));   // as ConvertTo-Json writes it
    }

    [Fact]
    public void Dates_are_ISO_8601_and_enums_are_names()
    {
        Assert.Equal("\"2026-01-02T03:04:05.0000000Z\"", Json(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc)));
        Assert.Equal("\"2026-01-02T03:04:05.0000000+02:00\"", Json(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2))));
        Assert.Equal("\"PT1H30M\"", Json(TimeSpan.FromMinutes(90)));
        Assert.Equal("\"Friday\"", Json(DayOfWeek.Friday));
        Assert.Equal("\"ReadOnly, Hidden\"", Json(FileAttributes.ReadOnly | FileAttributes.Hidden));
    }

    [Fact]
    public void Hashtables_custom_objects_and_lists_nest_in_order()
    {
        var ordered = new OrderedDictionary { ["b"] = 1, ["a"] = new object?[] { Custom(("x", 1), ("y", null)), new ArrayList(), new Hashtable() } };

        Assert.Equal("""{"b":1,"a":[{"x":1,"y":null},[],{}]}""", Json(ordered));
        Assert.Equal("""[1,"two"]""", Json(new PSObject(new object[] { 1, new PSObject("two") })));
    }

    [Fact]
    public void Other_objects_are_their_properties()
    {
        JsonElement version = JsonDocument.Parse(Json(new Uri("https://example.test/a"))).RootElement;
        JsonElement point = JsonDocument.Parse(Json(new System.Drawing.Point(3, 4))).RootElement;

        Assert.Equal("https://example.test/a", version.GetString());
        Assert.Equal(3, point.GetProperty("X").GetInt32());
        Assert.Equal(4, point.GetProperty("Y").GetInt32());
    }

    [Fact]
    public void An_object_that_contains_itself_is_refused_as_too_deep()
    {
        var loop = new Hashtable();
        loop["self"] = loop;

        AgbException refused = Assert.Throws<AgbException>(() => Json(loop));

        Assert.Equal("AgbVariableTooDeep", refused.ErrorId);
        Assert.Contains(ValueLimits.MaxDepthSetting, refused.Fix);
    }

    [Fact]
    public void Values_over_the_size_limit_are_refused_while_they_are_written()
    {
        AgbException refused = Assert.Throws<AgbException>(() => Json(Enumerable.Range(0, 1_000_000).ToArray(), new ValueLimits { MaxBytes = 1000 }));

        Assert.Equal("AgbVariableTooLarge", refused.ErrorId);
        Assert.Contains(ValueLimits.MaxBytesSetting, refused.Fix);
    }
}
