using Microsoft.Extensions.Configuration;

namespace AgbCode.Server.Tests.Support;

/// <summary>
/// A configuration source with fixed values that notes every key the server asks for, so a test can tell which of
/// the names a deployment sets the server really reads. Added last, it is asked first for every key.
/// </summary>
public sealed class RecordingSettings(IReadOnlyDictionary<string, string> values) : IConfigurationSource
{
    private readonly HashSet<string> _asked = new(StringComparer.OrdinalIgnoreCase);
    private readonly IReadOnlyDictionary<string, string> _values = values;

    public IReadOnlySet<string> Asked
    {
        get { lock (_asked) return _asked.ToHashSet(StringComparer.OrdinalIgnoreCase); }
    }

    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(this);

    private sealed class Provider(RecordingSettings source) : ConfigurationProvider
    {
        public override void Load() { }

        public override bool TryGet(string key, out string? value)
        {
            lock (source._asked)
                source._asked.Add(key);
            bool found = source._values.TryGetValue(key, out string? given);
            value = given;
            return found;
        }
    }
}
