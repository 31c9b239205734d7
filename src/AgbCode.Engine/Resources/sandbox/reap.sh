#!/bin/bash
# Removes what an AgbCode engine left behind, as listed in its ledger (newest line first).
#   reap.sh wait STATE_DIR ENGINE_ID   guardian: waits for EOF on stdin (the engine is gone), then reaps
#   reap.sh now  STATE_DIR ENGINE_ID   reaps at once (an engine found a dead engine's ledger)
set -u
exec >/dev/null 2>&1
for fd in /proc/$$/fd/*; do
  fd=${fd##*/}
  case $fd in 0|1|2) ;; *) eval "exec $fd>&-" ;; esac
done
trap '' INT HUP TERM PIPE

mode=$1 root=$2 id=$3
if [ "$mode" = wait ]; then
  while read -r _; do :; done
fi

exec 9>>"$root/lock"
flock 9

ledger="$root/engines/$id.ledger"

kill_all() {   # $1: a cgroup folder; kill every process in it until it is empty
  local dir=$1 procs tries=0
  [ -d "$dir" ] || return 0
  if [ -f "$dir/cgroup.kill" ]; then echo 1 > "$dir/cgroup.kill"; fi
  while procs=$(cat "$dir/cgroup.procs" 2>/dev/null) && [ -n "$procs" ] && [ $tries -lt 250 ]; do
    [ -f "$dir/freezer.state" ] && echo FROZEN > "$dir/freezer.state"
    for pid in $procs; do kill -9 "$pid"; done
    [ -f "$dir/freezer.state" ] && echo THAWED > "$dir/freezer.state"
    sleep 0.02
    tries=$((tries + 1))
  done
}

# The ledger is a log (EngineLedger): "KIND VALUE" before a thing is made, "gone KIND VALUE" after it is removed.
# Read newest first, each "gone" line cancels the newest older line it names. A last line without its newline was
# cut short and names nothing that was made.
whole_lines() {
  if [ -z "$(tail -c 1 "$1")" ]; then cat "$1"; else sed '$d' "$1"; fi
}

# The guardian reaps an engine that just died, whose killed processes can take a while to leave their cgroups: it
# tries again for up to 5 s. A sweep reaps what was left long ago: one try each, so an engine start stays quick.
cgroup_tries=1
[ "$mode" = wait ] && cgroup_tries=50

remove_cgroup() {   # $1: a cgroup folder
  local dir=$1 tries=0
  while [ -d "$dir" ] && [ $tries -lt $cgroup_tries ]; do
    kill_all "$dir"
    rmdir "$dir" && return 0
    sleep 0.1
    tries=$((tries + 1))
  done
  [ ! -d "$dir" ]
}

# What could not be removed stays in the ledger (oldest first, as the engine writes it) for the next engine's sweep.
left="$ledger.left"
rm -f -- "$left"
if [ -f "$ledger" ]; then
  declare -A cancelled=()
  whole_lines "$ledger" | tac | while read -r kind value; do
    if [ "$kind" = gone ]; then
      cancelled["$value"]=$(( ${cancelled["$value"]:-0} + 1 ))
      continue
    fi
    if [ "${cancelled["$kind $value"]:-0}" -gt 0 ]; then
      cancelled["$kind $value"]=$(( ${cancelled["$kind $value"]} - 1 ))
      continue
    fi
    case $kind in
      cgroup1|cgroup2) remove_cgroup "$value" ;;
      mount) umount "$value" || umount -l "$value" || ! mountpoint -q "$value" ;;
      mountpoint) rmdir "$value" || [ ! -e "$value" ] ;;
      image) rm -f -- "$value" ;;
      dir) rm -rf --one-file-system -- "$value" ;;
      slot) rm -f -- "$root/slots/$value" ;;
    esac || echo "$kind $value" >> "$left"
  done
fi
if [ -s "$left" ]; then
  tac "$left" > "$ledger.new" && mv -f -- "$ledger.new" "$ledger"
else
  rm -f -- "$ledger"
fi
rm -f -- "$left" "$ledger.new" "$root/engines/$id.lock"
