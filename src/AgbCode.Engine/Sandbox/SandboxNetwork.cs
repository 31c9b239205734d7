using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// A session's network, made from its allow-list at creation: names resolved on the host, the nftables rules the
/// launcher's net.sh loads into each kernel's own network namespace before the code starts (every destination not
/// listed is rejected as administratively prohibited, so a connect fails at once: EHOSTUNREACH, "No route to host", for
/// IPv4 and EACCES for IPv6; a UDP send gets EPERM), the hosts file that is the sandbox's only name service,
/// and the host-loopback ports pasta forwards. Sandboxes without one keep bwrap's empty network namespace.
/// </summary>
internal sealed class SandboxNetwork
{
    public const string Pasta = "/usr/bin/pasta";
    public const string Nft = "/usr/sbin/nft";
    private const string TunDevice = "/dev/net/tun";
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The namespaces bwrap makes (besides the user namespace); a networked sandbox keeps the network namespace its launcher made, never the host's.</summary>
    private static readonly string[] AllNamespaces = ["--unshare-all"];
    private static readonly string[] AllButNetwork = ["--unshare-ipc", "--unshare-pid", "--unshare-uts", "--unshare-cgroup-try"];
    private static readonly string[] NoNetworkArguments = ["-", "-", "-", "-"];

    private readonly string[] _launcherArguments;

    private SandboxNetwork(NetworkAccess access, string rules, string hosts, string tcpForwards, string udpForwards)
    {
        Access = access;
        _launcherArguments = [tcpForwards, udpForwards, rules, hosts];
    }

    /// <summary>What is open, for the session's isolation report.</summary>
    public NetworkAccess Access { get; }

    /// <summary>The launcher's NET_TCP NET_UDP NET_RULES NET_HOSTS arguments ("-" each: no network).</summary>
    public static IReadOnlyList<string> LauncherArguments(SandboxNetwork? network) => network?._launcherArguments ?? NoNetworkArguments;

    public static IReadOnlyList<string> Namespaces(SandboxNetwork? network) => network is null ? AllNamespaces : AllButNetwork;

    /// <summary>The name service files net.sh hands bwrap on fds 5 and 6, and the CA certificates for TLS.</summary>
    public static IReadOnlyList<string> EtcArguments(SandboxNetwork? network) => network is null ? [] :
        ["--ro-bind-data", "5", "/etc/hosts", "--ro-bind-data", "6", "/etc/nsswitch.conf", "--ro-bind-try", "/etc/ssl", "/etc/ssl"];

    /// <summary>The session's network, or null for an empty list; refuses what this host cannot give, saying how to fix it.</summary>
    public static SandboxNetwork? Prepare(NetworkAllowList list, IsolationMode isolation, bool ownTun)
    {
        if (list.IsEmpty)
            return null;
        if (isolation != IsolationMode.Sandbox)
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.NetworkNeedsSandbox,
                "A network allow-list is enforced by the sandbox; with Isolation None the code already has the host's whole network.",
                "Leave out -Network, or leave out -Isolation None.");
        RequireTools(ownTun);

        var rules = new StringBuilder("table inet agbcode {\n\tchain output {\n\t\ttype filter hook output priority 0; policy drop;\n\t\toifname \"lo\" accept\n");
        var hosts = new StringBuilder("127.0.0.1\tlocalhost\n::1\tlocalhost\n");
        var open = new List<string>();
        var loopbackPorts = new Dictionary<NetworkProtocol, List<string>> { [NetworkProtocol.Tcp] = [], [NetworkProtocol.Udp] = [] };
        foreach (NetworkEntry entry in list.Entries)
        {
            string protocol = entry.Protocol == NetworkProtocol.Tcp ? "tcp" : "udp";
            if (entry.Kind == NetworkHostKind.HostLoopback)
            {
                loopbackPorts[entry.Protocol].Add(entry.Ports);
                open.Add($"{entry} (the host's loopback, at the sandbox's own localhost)");
                continue;
            }
            IReadOnlyList<string> destinations = entry.Kind == NetworkHostKind.Name ? Resolve(entry) : [entry.Host];
            foreach (string destination in destinations)
            {
                string family = destination.Contains(':', StringComparison.Ordinal) ? "ip6" : "ip";
                rules.Append(CultureInfo.InvariantCulture, $"\t\t{family} daddr {destination} {protocol} dport {entry.Ports} accept\n");
                if (entry.Kind == NetworkHostKind.Name)
                    hosts.Append(CultureInfo.InvariantCulture, $"{destination}\t{entry.Host}\n");
            }
            open.Add(entry.Kind == NetworkHostKind.Name ? $"{entry} ({string.Join(", ", destinations)})" : entry.ToString());
        }
        rules.Append("\t\treject with icmpx admin-prohibited\n\t}\n}\n");
        var access = new NetworkAccess(open, "pasta (passt's user-mode network stack), in the sandbox's own network namespace",
            "nftables rules in that namespace, loaded before the code starts and out of its reach (it holds no capability there); " +
            "everything else is refused at once; names resolve from /etc/hosts only (no DNS server)");
        return new SandboxNetwork(access, rules.ToString(), hosts.ToString(), Forwards(loopbackPorts[NetworkProtocol.Tcp]), Forwards(loopbackPorts[NetworkProtocol.Udp]));
    }

    private static string Forwards(List<string> ports) => ports.Count == 0 ? "none" : string.Join(',', ports);

    /// <param name="ownTun">A root launcher (sessions with uids of their own) gives pasta a tun device of its own.</param>
    private static void RequireTools(bool ownTun)
    {
        if (!File.Exists(Pasta))
            throw Unavailable($"{Pasta} was not found; it carries a session's network.", "Install it (Debian/Ubuntu: sudo apt-get install passt), or run ./build.ps1 -Task Bootstrap.");
        if (!File.Exists(Nft))
            throw Unavailable($"{Nft} was not found; it enforces a session's network allow-list.", "Install it (Debian/Ubuntu: sudo apt-get install nftables), or run ./build.ps1 -Task Bootstrap.");
        if (ownTun)
            return;
        try
        {
            using FileStream tun = File.Open(TunDevice, FileMode.Open, FileAccess.ReadWrite);
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            throw Unavailable($"A network for a non-root engine needs {TunDevice}, which this user cannot open ({failure.Message}).",
                $"Make it usable by all users as most distributions do (sudo chmod 0666 {TunDevice}), or run the engine as root.");
        }
    }

    /// <summary>The name's addresses, looked up once on the host; the sandbox sees only these.</summary>
    private static IReadOnlyList<string> Resolve(NetworkEntry entry)
    {
        IPAddress[] addresses;
        try
        {
            using var timeout = new CancellationTokenSource(ResolveTimeout);
            addresses = Dns.GetHostAddressesAsync(entry.Host, timeout.Token).GetAwaiter().GetResult();
        }
        catch (Exception failure) when (failure is SocketException or OperationCanceledException)
        {
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.NetworkNameUnresolved,
                $"The network entry '{entry}' names {entry.Host}, which does not resolve on this host ({failure.Message}).",
                "Check the name, or list the address itself (10.1.2.3:443).", failure);
        }
        IPAddress[] usable = [.. addresses.Where(a => a.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
            .Select(a => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a).Distinct()];
        if (usable.Any(IPAddress.IsLoopback))
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.InvalidNetworkEntry,
                $"The network entry '{entry}' names {entry.Host}, which resolves to this host's loopback; in the sandbox that address is its own.",
                $"Write localhost:{entry.Ports} to open that port of the host's loopback.");
        if (usable.Length == 0)
            throw new AgbException(AgbErrorKind.BadInput, SessionErrors.NetworkNameUnresolved,
                $"The network entry '{entry}' names {entry.Host}, which has no IPv4 or IPv6 address.", "Check the name, or list the address itself.");
        return [.. usable.Select(a => new IPAddress(a.GetAddressBytes()).ToString())];   // without an IPv6 scope id
    }

    private static AgbException Unavailable(string message, string fix) => new(AgbErrorKind.Platform, SessionErrors.NetworkUnavailable, message, fix);
}
