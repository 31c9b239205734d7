using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AgbCode.Core.Errors;

namespace AgbCode.Core.Sessions;

public enum NetworkProtocol { Tcp, Udp }

/// <summary>What an entry's host part names.</summary>
public enum NetworkHostKind
{
    /// <summary>A DNS name, resolved on the host when the session is created.</summary>
    Name,
    /// <summary>One IPv4 or IPv6 address.</summary>
    Address,
    /// <summary>A CIDR block of addresses.</summary>
    Block,
    /// <summary>The host's own loopback (localhost, 127.0.0.1, [::1]): seen by the code at its own loopback.</summary>
    HostLoopback,
}

/// <summary>One destination a session may reach: a host, a port range and a protocol.</summary>
public sealed record NetworkEntry(string Host, NetworkHostKind Kind, int FirstPort, int LastPort, NetworkProtocol Protocol)
{
    public string Ports => FirstPort == LastPort
        ? FirstPort.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{FirstPort}-{LastPort}");

    /// <summary>The entry in the grammar's canonical form (lower-case name, IPv6 in brackets, /udp only when UDP).</summary>
    public override string ToString() =>
        $"{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Ports}{(Protocol == NetworkProtocol.Udp ? "/udp" : "")}";
}

/// <summary>
/// The destinations a session's code may reach; empty means no network (the default). Entries are
/// <c>HOST:PORT[-LAST][/tcp|/udp]</c>: HOST is a DNS name, an IPv4 address, an IPv6 address in brackets, or a CIDR block
/// (<c>10.0.0.0/8</c>, <c>[fd00::/64]</c>); <c>localhost</c>, <c>127.0.0.1</c> and <c>[::1]</c> name the host's own
/// loopback, which is otherwise never reachable.
/// </summary>
public sealed partial record NetworkAllowList(IReadOnlyList<NetworkEntry> Entries)
{
    public const int MaxEntries = 64;

    /// <summary>
    /// AgbCode's extension field of CreateSession that carries the list (an array of entries); the AGB API has none, so
    /// only an AgbCode server reads it.
    /// </summary>
    public const string WireField = "agbcodeNetwork";

    public const string Grammar =
        "Entries are HOST:PORT, HOST:FIRST-LAST, optionally followed by /udp (TCP is the default): HOST is a DNS name " +
        "(api.example.com), an IPv4 address (10.1.2.3), an IPv6 address in brackets ([fd00::1]) or a CIDR block (10.0.0.0/8, " +
        "[fd00::/64]); localhost:PORT (or 127.0.0.1:PORT, [::1]:PORT) opens that port of the host's own loopback.";

    public static NetworkAllowList None { get; } = new([]);

    public bool IsEmpty => Entries.Count == 0;

    /// <summary>Parses the entries; the first bad one is refused with what is wrong and the grammar.</summary>
    public static NetworkAllowList Parse(IEnumerable<string>? entries)
    {
        var parsed = new List<NetworkEntry>();
        foreach (string raw in entries ?? [])
        {
            NetworkEntry entry = ParseEntry(raw ?? "");
            if (!parsed.Contains(entry))
                parsed.Add(entry);
        }
        if (parsed.Count > MaxEntries)
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.NetworkListTooLong,
                $"The network allow-list has {parsed.Count} entries; a session may have at most {MaxEntries}.",
                "Group addresses into CIDR blocks (10.1.0.0/16:443) or ports into ranges (host:8000-8010).");
        return new NetworkAllowList(parsed);
    }

    private static NetworkEntry ParseEntry(string raw)
    {
        string text = raw.Trim();
        Match match = EntryPattern().Match(text);
        if (!match.Success)
            throw Invalid(raw, "it is not HOST:PORT");
        int first = Port(raw, match.Groups["first"].Value);
        int last = match.Groups["last"].Success ? Port(raw, match.Groups["last"].Value) : first;
        if (last < first)
            throw Invalid(raw, $"the port range {first}-{last} runs backwards");
        NetworkProtocol protocol = match.Groups["proto"].Success && match.Groups["proto"].Value.Equals("udp", StringComparison.OrdinalIgnoreCase)
            ? NetworkProtocol.Udp : NetworkProtocol.Tcp;
        string host = match.Groups["host"].Value;
        bool bracketed = host.StartsWith('[');
        if (bracketed)
            host = host[1..^1];
        var (kind, canonical) = Classify(raw, host, bracketed);
        return new NetworkEntry(canonical, kind, first, last, protocol);
    }

    private static (NetworkHostKind, string) Classify(string raw, string host, bool bracketed)
    {
        int slash = host.IndexOf('/');
        if (slash >= 0)
        {
            if (!IPAddress.TryParse(host[..slash], out IPAddress? network) || !int.TryParse(host[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int prefix))
                throw Invalid(raw, $"'{host}' is not a CIDR block such as 10.0.0.0/8");
            int bits = network.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
            if (prefix > bits)
                throw Invalid(raw, $"a /{prefix} prefix is longer than the {bits} bits of the address");
            RequireBrackets(raw, network, bracketed);
            RequireDottedQuad(raw, network, host[..slash]);
            if (!Masked(network, prefix).Equals(network))
                throw Invalid(raw, $"{host} has bits set past its prefix; the block is {Masked(network, prefix)}/{prefix}");
            if (IPAddress.IsLoopback(network))
                throw Invalid(raw, "a loopback block would name the sandbox's own loopback; name the host's loopback as localhost:PORT");
            return (NetworkHostKind.Block, $"{network}/{prefix.ToString(CultureInfo.InvariantCulture)}");
        }
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            RequireBrackets(raw, address, bracketed);
            RequireDottedQuad(raw, address, host);
            if (address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback))
                return (NetworkHostKind.HostLoopback, "localhost");
            if (IPAddress.IsLoopback(address))
                throw Invalid(raw, "only 127.0.0.1 and [::1] name the host's loopback (write localhost:PORT)");
            if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
                throw Invalid(raw, "the unspecified address names no host");
            return (NetworkHostKind.Address, address.ToString());
        }
        if (bracketed)
            throw Invalid(raw, $"'[{host}]' is not an IPv6 address");
        string name = host.ToLowerInvariant();
        if (name == "localhost")
            return (NetworkHostKind.HostLoopback, name);
        if (!NamePattern().IsMatch(name) || name.Length > 253)
            throw Invalid(raw, $"'{host}' is not a DNS name (letters, digits and dashes in dot-separated labels; no wildcards: names are resolved when the session is created)");
        return (NetworkHostKind.Name, name.TrimEnd('.'));
    }

    private static void RequireBrackets(string raw, IPAddress address, bool bracketed)
    {
        bool v6 = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (v6 != bracketed)
            throw Invalid(raw, v6 ? "an IPv6 address goes in brackets, as in [fd00::1]:443" : "only IPv6 addresses go in brackets");
    }

    /// <summary>IPAddress also takes legacy forms (10.1 is 10.0.0.1); an IPv4 entry must be written out in full.</summary>
    private static void RequireDottedQuad(string raw, IPAddress address, string text)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && address.ToString() != text)
            throw Invalid(raw, $"'{text}' is not an IPv4 address in dotted-quad form (such as 10.1.2.3)");
    }

    private static IPAddress Masked(IPAddress address, int prefix)
    {
        byte[] bytes = address.GetAddressBytes();
        for (int bit = prefix; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes);
    }

    private static int Port(string raw, string digits) =>
        int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is >= 1 and <= 65535
            ? port : throw Invalid(raw, $"the port {digits} is not between 1 and 65535");

    private static AgbException Invalid(string raw, string why) =>
        new(AgbErrorKind.BadInput, SessionErrors.InvalidNetworkEntry, $"The network entry '{raw}' is not valid: {why}.", Grammar);

    [GeneratedRegex(@"^(?<host>\[[^\[\]]+\]|[^:\[\]\s]+):(?<first>\d{1,5})(?:-(?<last>\d{1,5}))?(?:/(?<proto>tcp|udp))?$", RegexOptions.IgnoreCase)]
    private static partial Regex EntryPattern();

    [GeneratedRegex(@"^(?=.*[a-z-])([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$")]
    private static partial Regex NamePattern();
}
