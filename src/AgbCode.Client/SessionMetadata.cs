using System.Globalization;
using AgbCode.Core.Display;
using AgbCode.Core.Sessions;

namespace AgbCode.Client;

/// <summary>
/// What the AGB API does not keep for a session but the module shows: its name, creation time and image. They travel
/// as labels under <see cref="ReservedLabels.Prefix"/> beside the user's labels, so any process listing the endpoint
/// sees them (and sessions made by other clients simply have none).
/// </summary>
internal sealed record SessionMetadata(string? Name, string Image, IReadOnlyDictionary<string, string> Labels, DateTimeOffset CreatedAt)
{
    public static SessionMetadata ForNew(SessionOptions options) =>
        new(options.Name, options.Image, new Dictionary<string, string>(options.Labels, StringComparer.Ordinal), DateTimeOffset.Now);

    /// <summary>A session this process did not create and whose labels are not known (yet).</summary>
    public static SessionMetadata Unknown() => new(null, "", new Dictionary<string, string>(), DateTimeOffset.Now);

    /// <summary>The labels CreateSession sends: the user's, plus the reserved keys.</summary>
    public Dictionary<string, string> ToLabels()
    {
        var labels = new Dictionary<string, string>(Labels, StringComparer.Ordinal)
        {
            [ReservedLabels.Created] = CreatedAt.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
            [ReservedLabels.Image] = Image,
        };
        if (Name is not null)
            labels[ReservedLabels.Name] = Name;
        return labels;
    }

    /// <summary>Reads labels as GetLabel answers them; what the reserved keys do not say stays as <paramref name="fallback"/> has it.</summary>
    public static SessionMetadata FromLabels(IReadOnlyDictionary<string, string> labels, SessionMetadata fallback)
    {
        DateTimeOffset created = labels.TryGetValue(ReservedLabels.Created, out string? text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out DateTimeOffset parsed)
            ? parsed.ToLocalTime()
            : fallback.CreatedAt;
        // anyone with the key can set these labels: the name and image are shown in tables, so they are made inert
        return new SessionMetadata(
            labels.TryGetValue(ReservedLabels.Name, out string? name) ? InertText.Of(name) : fallback.Name,
            labels.TryGetValue(ReservedLabels.Image, out string? image) ? InertText.Of(image) : fallback.Image,
            labels.Where(l => !ReservedLabels.IsReserved(l.Key)).ToDictionary(l => l.Key, l => l.Value, StringComparer.Ordinal),
            created);
    }
}
