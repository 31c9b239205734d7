#!/bin/bash
# What the code image costs a fresh Debian 12 machine: makes a minimal Debian (mmdebstrap --variant=minbase, the
# baseline), then the same with build/image-packages.txt installed (no Recommends, as Bootstrap installs them), and
# prints each one's wall time and disk; the difference is the image's cost. Downloads count, as on a fresh machine.
# Needs root and mmdebstrap (apt-get install mmdebstrap); leaves nothing behind. docs/image.md records a run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
packages=$(sed -e 's/#.*//' "$here/../build/image-packages.txt" | xargs | tr ' ' ',')
sources=/etc/apt/sources.list.d/debian.sources   # the host's mirror, as Bootstrap's apt-get would use
work=$(mktemp -d /var/tmp/agbcode-image-cost.XXXXXX)
trap 'rm -rf "$work"' EXIT

measure() {   # name, then mmdebstrap's extra arguments
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    mmdebstrap --quiet --variant=minbase --aptopt='APT::Install-Recommends "false"' "$@" bookworm "$work/$name.tar" "$sources" >/dev/null
    end=$(date +%s.%N)
    mkdir "$work/$name"
    tar -C "$work/$name" -xf "$work/$name.tar"
    rm "$work/$name.tar"
    printf '%-8s %6.0f s  %6d MiB\n' "$name" "$(echo "$end - $start" | bc)" "$(du -sx --block-size=1M "$work/$name" | cut -f1)"
    rm -rf "${work:?}/$name"
}

echo "packages: ${packages//,/ }"
measure minbase
measure image --include="$packages"
