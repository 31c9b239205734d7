#!/bin/bash
# The server image's costs: its size, start-to-healthy time (podman run -> first 200 from /healthz) and first-run
# latency (CreateSession, then Python's 1+1 through the API: the kernel starts on first use), each the median of
# RUNS fresh containers; and as the baseline, measured in the same run, the same server started on the host
# (out/server/agbcode-server, build.ps1 -Task Publish). Also the container's memory once healthy (the resident memory, VmRSS, of the processes in its cgroup once healthy: tini, the server and what it has started).
# Needs root, podman and the image (build.ps1 -Task Image). Usage: bench/image-server.sh [RUNS]   (default 5)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${1:-5}
image=${AGBCODE_BENCH_IMAGE:-localhost/agbcode-server:latest}
server=$here/../out/server/agbcode-server
key=$(openssl rand -hex 24)
py=/usr/bin/python3

now() { date +%s.%N; }
free_port() { $py -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_healthy() {   # url, pid or container to watch
    until curl -sf "$1/healthz" >/dev/null; do
        if [[ $2 == pid:* ]]; then kill -0 "${2#pid:}" 2>/dev/null || return 1
        else [[ $(podman inspect --format '{{.State.Running}}' "$2") == true ]] || return 1; fi
        sleep 0.05
    done
}
first_run() {   # url: CreateSession, then 1+1 in Python; checks the answer
    local id answer
    id=$(curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' -d '{}' "$1/mcp/createSession?imageId=agb-code-space-1" |
        $py -c 'import json,sys; print(json.load(sys.stdin)["data"]["sessionId"])')
    answer=$(curl -sf -X POST -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
        -d "{\"sessionId\":\"$id\",\"name\":\"run_code\",\"args\":{\"code\":\"1+1\",\"language\":\"python\"}}" "$1/mcp?autoGenSession=false")
    grep -q '\\"text/plain\\":\\"2\\"' <<<"$answer" || { echo "unexpected answer: $answer" >&2; return 1; }
}
median() { sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%.2f", m}'; }

declare -a c_start c_first h_start h_first c_mem
for ((i = 0; i < runs; i++)); do
    port=$(free_port); url=http://127.0.0.1:$port
    t0=$(now)
    cid=$("$here/../deploy/image/podman-run" -d -p "127.0.0.1:$port:8080" -e "AGBCODE_API_KEY=$key" -e "AGBCODE_PUBLIC_URL=$url" "$image")
    wait_healthy "$url" "$cid" || { podman logs "$cid" >&2; exit 1; }
    t1=$(now)
    cg=$(podman inspect --format '{{.State.CgroupPath}}' "$cid")
    c_mem+=("$(for p in $(cat "/sys/fs/cgroup/memory$cg/cgroup.procs"); do awk '/^VmRSS:/{print $2}' "/proc/$p/status"; done | awk '{s += $1} END {print int(s / 1024)}')")
    t1b=$(now); first_run "$url"; t2=$(now)
    c_start+=("$(echo "$t1 - $t0" | bc)"); c_first+=("$(echo "$t2 - $t1b" | bc)")
    podman stop --time 60 "$cid" >/dev/null; podman rm -f "$cid" >/dev/null 2>&1 || true

    port=$(free_port); url=http://127.0.0.1:$port
    t0=$(now)
    AGBCODE_API_KEY=$key AGBCODE_LOG_FORMAT=text "$server" --urls "$url" >/dev/null 2>&1 &
    pid=$!
    wait_healthy "$url" "pid:$pid" || exit 1
    t1=$(now); first_run "$url"; t2=$(now)
    h_start+=("$(echo "$t1 - $t0" | bc)"); h_first+=("$(echo "$t2 - $t1" | bc)")
    kill -TERM "$pid"; wait "$pid" || true
done

size=$(podman image inspect --format '{{.Size}}' "$image")
echo "image $image: $((size / 1048576)) MiB; $runs runs each; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %8s %8s\n' '' container host
printf '%-34s %7ss %7ss\n' 'start to healthy (median)' "$(printf '%s\n' "${c_start[@]}" | median)" "$(printf '%s\n' "${h_start[@]}" | median)"
printf '%-34s %7ss %7ss\n' 'first run: session + 1+1 (median)' "$(printf '%s\n' "${c_first[@]}" | median)" "$(printf '%s\n' "${h_first[@]}" | median)"
printf '%-34s %6s MiB\n' 'container processes once healthy (RSS)' "$(printf '%s\n' "${c_mem[@]}" | median)"
echo "all: container start ${c_start[*]}; first ${c_first[*]}; host start ${h_start[*]}; first ${h_first[*]}"
