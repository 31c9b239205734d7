#!/bin/bash
# Starts one sandbox. The engine runs this with an empty environment and the three std streams as pipes:
#   launch.sh SECCOMP UID NOFILE NPROC FSIZE SCRATCH RUNTIME NET_TCP NET_UDP NET_RULES NET_HOSTS
#             CGROUP_PROCS_FILE... -- BWRAP_OPTION... -- COMMAND...
# UID "-" keeps the caller's uid (engine not root). NET_TCP "-": no network; else net.sh gives the sandbox its
# allow-list (NET_*: see net.sh), and with a UID (root engine) a tun device in a mount namespace of the launcher's own,
# on a tmpfs it mounts at SCRATCH there.
# Exit codes 120-122 are the launcher's own.
set -u

# bwrap hands every inherited fd to the sandbox: keep only 0, 1 and 2.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac
done

seccomp=$1 uid=$2 nofile=$3 nproc=$4 fsize=$5 scratch=$6 runtime=$7
network=("$8" "$9" "${10}" "${11}")
shift 11
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do     # join the cgroups before exec, so every descendant is inside
  echo $$ > "$1" || { echo "agbcode launcher: cannot join cgroup $1" >&2; exit 120; }
  shift
done
shift

trap "" XFSZ                                   # ignored across exec: a too-large write fails with EFBIG, R lives
exec 7<"$seccomp" || { echo "agbcode launcher: cannot open $seccomp" >&2; exit 121; }
# bwrap reads its options from fd 8 (and closes it): the sandbox's /proc/1/cmdline shows none of their host paths,
# only the command (after the options' "--"), which bwrap needs on its command line.
options=()
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  options+=("$1")
  shift
done
exec 8< <(printf '%s\0' "${options[@]}")

# A session of its own: a Ctrl+C at the engine's terminal must not reach the sandbox (setsid keeps this pid: the
# launcher is not a process-group leader).
stack=()
if [ "${network[0]}" != "-" ]; then
  stack=(/bin/bash "$runtime/sandbox/net.sh" stack "${network[@]}")
fi
limits=(/usr/bin/setsid /usr/bin/prlimit "--fsize=$fsize" "--nofile=$nofile" --core=0 "--nproc=$nproc")
if [ "$uid" = "-" ]; then
  exec "${limits[@]}" "${stack[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
fi
drop=(/usr/bin/setpriv "--reuid=$uid" "--regid=$uid" --clear-groups --inh-caps=-all --bounding-set=-all --)
if [ "${network[0]}" = "-" ]; then
  exec "${limits[@]}" "${drop[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
fi
# unshare execs in place: this pid stays the sandbox's outer process, and the mount namespace ends with the sandbox.
exec "${limits[@]}" /usr/bin/unshare --mount --propagation private -- \
  /bin/bash "$runtime/sandbox/net.sh" tun "$scratch" "$uid" "${drop[@]}" "${stack[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
echo "agbcode launcher: cannot start bwrap" >&2
exit 122
