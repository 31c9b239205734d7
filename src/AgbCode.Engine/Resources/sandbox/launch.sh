#!/bin/bash
# Starts one sandbox. The engine runs this with an empty environment and the three std streams as pipes:
#   launch.sh SECCOMP UID NOFILE NPROC FSIZE VIEW RUNTIME WORKSPACE CGROUP_PROCS_FILE... -- BWRAP_OPTION... -- COMMAND...
# UID "-" keeps the caller's uid (engine not root). VIEW (root only, else "-"): view.sh prepares, in a mount namespace
# of the sandbox's own, the runtime copy BWRAP_OPTIONs bind from and the workspace volume under a neutral name.
# Exit codes 120-123 are the launcher's own.
set -u

# bwrap hands every inherited fd to the sandbox: keep only 0, 1 and 2.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac
done

seccomp=$1 uid=$2 nofile=$3 nproc=$4 fsize=$5 view=$6 runtime=$7 workspace=$8
shift 8
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
limits=(/usr/bin/setsid /usr/bin/prlimit "--fsize=$fsize" "--nofile=$nofile" --core=0 "--nproc=$nproc")
if [ "$uid" = "-" ]; then
  exec "${limits[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
fi
drop=(/usr/bin/setpriv "--reuid=$uid" "--regid=$uid" --clear-groups --inh-caps=-all --bounding-set=-all --)
if [ "$view" = "-" ]; then
  exec "${limits[@]}" "${drop[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
fi
# unshare execs in place: this pid stays the sandbox's outer process, and the mount namespace ends with the sandbox.
exec "${limits[@]}" /usr/bin/unshare --mount --propagation private -- \
  /bin/bash "$runtime/sandbox/view.sh" "$view" "$runtime" "$workspace" "${drop[@]}" /usr/bin/bwrap --seccomp 7 --args 8 "$@"
echo "agbcode launcher: cannot start bwrap" >&2
exit 122
