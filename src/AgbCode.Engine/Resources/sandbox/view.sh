#!/bin/bash
# Runs as root in the sandbox's own mount namespace (launch.sh starts it with unshare), then execs the rest of its
# arguments (setpriv ... bwrap):
#   view.sh VIEW RUNTIME WORKSPACE COMMAND...
# Mounts at VIEW a tmpfs with a copy of RUNTIME's drivers and etc, and mounts the workspace volume again at VIEW/home
# under the neutral device name "workspace". What bwrap binds from there shows, in the sandbox's
# /proc/self/mountinfo, no host path of the engine's state and no loop device (whose number tells how many volumes
# the host has). All of it ends with the namespace, when the sandbox ends.
set -u
view=$1 runtime=$2 workspace=$3
shift 3
fail() { echo "agbcode launcher: $1" >&2; exit 123; }

# not nodev: the workspace's device node is opened from here, once, before bwrap binds anything
/usr/bin/mount -t tmpfs -o size=64m,mode=0755,nosuid tmpfs "$view" || fail "cannot mount the runtime view at $view"
/usr/bin/cp -R --preserve=mode "$runtime/drivers" "$runtime/etc" "$view/" || fail "cannot copy the runtime to its view"
/usr/bin/mkdir "$view/home" || fail "cannot make the workspace's place in the view"
if device=$(/usr/bin/mountpoint -d "$workspace" 2>/dev/null); then
  /usr/bin/mknod -m 0600 "$view/workspace" b "${device%:*}" "${device#*:}" || fail "cannot name the workspace volume"
  (cd "$view" && /usr/bin/mount --no-canonicalize -t ext4 -o nosuid,nodev workspace "$view/home") ||
    fail "cannot mount the workspace volume under its neutral name"
  /usr/bin/rm -f "$view/workspace"
else
  /usr/bin/mount --bind "$workspace" "$view/home" || fail "cannot bind the workspace into the view"
fi
exec "$@"
