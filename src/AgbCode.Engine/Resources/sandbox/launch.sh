#!/bin/bash
# Starts one sandbox. The engine runs this with an empty environment and the three std streams as pipes:
#   launch.sh SECCOMP UID NOFILE NPROC FSIZE CGROUP_PROCS_FILE... -- BWRAP_ARGUMENT...
# UID "-" keeps the caller's uid (engine not root). Exit codes 120-122 are the launcher's own failures.
set -u

# bwrap hands every inherited fd to the sandbox: keep only 0, 1 and 2.
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  case $fd in 0|1|2) ;; *) eval "exec $fd>&-" 2>/dev/null ;; esac
done

seccomp=$1 uid=$2 nofile=$3 nproc=$4 fsize=$5
shift 5
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do     # join the cgroups before exec, so every descendant is inside
  echo $$ > "$1" || { echo "agbcode launcher: cannot join cgroup $1" >&2; exit 120; }
  shift
done
shift

trap "" XFSZ                                   # ignored across exec: a too-large write fails with EFBIG, R lives
exec 7<"$seccomp" || { echo "agbcode launcher: cannot open $seccomp" >&2; exit 121; }

# A session of its own: a Ctrl+C at the engine's terminal must not reach the sandbox (setsid keeps this pid: the
# launcher is not a process-group leader).
limits=(/usr/bin/setsid /usr/bin/prlimit "--fsize=$fsize" "--nofile=$nofile" --core=0 "--nproc=$nproc")
if [ "$uid" = "-" ]; then
  exec "${limits[@]}" /usr/bin/bwrap --seccomp 7 "$@"
fi
exec "${limits[@]}" /usr/bin/setpriv "--reuid=$uid" "--regid=$uid" --clear-groups --inh-caps=-all --bounding-set=-all -- \
  /usr/bin/bwrap --seccomp 7 "$@"
echo "agbcode launcher: cannot start bwrap" >&2
exit 122
