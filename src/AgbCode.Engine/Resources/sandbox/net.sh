#!/bin/bash
# The network stage of a sandbox whose session has an allow-list; launch.sh puts it in front of bwrap:
#   net.sh tun SCRATCH UID COMMAND...              root, in the launcher's own mount namespace
#   net.sh stack TCP UDP RULES HOSTS COMMAND...    the session's uid, in the host's network namespace
#   net.sh rules RULES HOSTS COMMAND...            root of pasta's user namespace, in the sandbox's network namespace
# "tun" makes /dev/net/tun openable by the session's uid in this mount namespace only (hosts may keep it 0600).
# "stack" starts pasta, a user-mode network stack: it makes a user and network namespace of its own and relays their
# traffic through sockets of the session's uid; TCP/UDP are the host-loopback ports it forwards ("none" or a list).
# "rules" loads the nftables allow-list into that namespace before any code runs, then starts bwrap in it; the code
# gets a user namespace of its own under pasta's, so it holds no capability over the rules.
# Exit codes 124-126 are this stage's own.
set -u
fail() { echo "agbcode launcher: $2" >&2; exit "$1"; }

stage=$1
shift
case $stage in
  tun)
    scratch=$1 uid=$2
    shift 2
    # not nodev: the bind below keeps this mount's flags, and the node must stay openable
    /usr/bin/mount -t tmpfs -o size=64k,mode=0700,nosuid tmpfs "$scratch" &&
      /usr/bin/mknod -m 0600 "$scratch/tun" c 10 200 && /usr/bin/chown "$uid:$uid" "$scratch/tun" &&
      /usr/bin/mount --bind "$scratch/tun" /dev/net/tun || fail 124 "cannot give the session's network stack a tun device"
    exec "$@"
    ;;
  stack)
    tcp=$1 udp=$2
    shift 2
    # no forwarding into the sandbox (-t/-u), only the listed host-loopback ports out of it (-T/-U); --no-map-gw keeps
    # the gateway address from standing for the host. pasta refuses to start with SIGPIPE ignored, as the engine's
    # children inherit it (and bash cannot reset a signal ignored on entry).
    exec /usr/bin/env --default-signal=PIPE /usr/bin/pasta --foreground --quiet --config-net --no-map-gw -t none -u none -T "$tcp" -U "$udp" \
      -- /bin/bash "$0" rules "$@"
    fail 125 "cannot start pasta"
    ;;
  rules)
    rules=$1 hosts=$2
    shift 2
    printf '%s' "$rules" | /usr/sbin/nft -f - || fail 126 "cannot load the network allow-list into the sandbox's namespace"
    # bwrap copies these into the sandbox (--ro-bind-data 5 /etc/hosts, 6 /etc/nsswitch.conf): names resolve from the
    # hosts file alone, never through a DNS server
    exec 5< <(printf '%s' "$hosts") 6< <(printf 'hosts: files\n')
    for fd in /proc/self/fd/*; do   # (not $$: that is pasta's pid namespace, and /proc is the host's)
      fd=${fd##*/}
      case $fd in 0|1|2|5|6|7|8) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac
    done
    exec "$@"
    ;;
esac
fail 124 "unknown network stage $stage"
