#!/usr/bin/env bash
# CPU per request of each gateway thread under load: which stage a change helped.
#
#   bench/cpu_per_request.sh [BUILD_DIR] [DURATION_SECONDS] [CONNECTIONS]
#
# Serves the same small county and the same GET /v1/bookings/{id} mix as bench/http.sh,
# warms up for 3 s, then reads /proc/PID/task/*/stat and io around a wrk run and prints,
# per thread name (tg-http-N, tg-log-commit, tg-audit-store, tg-log-tiles), microseconds
# of CPU (user + system) and bytes written per request; then the machine's idle, iowait and
# steal shares (steal is the host taking the CPU: compare runs only when it is low) and the
# log's commits. On a noisy VM this is steadier than requests per second; alternate two
# builds run by run (docs/gateway-performance.md, "How to measure on a noisy VM").
# Needs wrk (scripts/install-deps --bench).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
secs=${2:-10}
conns=${3:-32}
tg=$build/trustgate
command -v wrk >/dev/null || { echo "cpu_per_request.sh: needs wrk: scripts/install-deps --bench" >&2; exit 1; }
[ -x "$tg" ] || { echo "cpu_per_request.sh: no $tg (make first)" >&2; exit 1; }
threads=2
[ "$conns" -lt 2 ] && threads=1  # wrk wants at least one connection per thread

work=$(mktemp -d "${TMPDIR:-/tmp}/tg-bench-cpu.XXXXXX")
gw_pid=
cleanup() {
  [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/bench_county.sh
source "$here/bench/bench_county.sh"
start_bench_county cpu_per_request.sh
load() { wrk -t"$threads" -c"$conns" -d"$1" --latency -s "$work/bookings.lua" -H "$auth" -H "$purpose" "http://127.0.0.1:$port"; }

# Per thread name: CPU ticks (user + system) and bytes written, summed over same-named threads.
snapshot() {
  for t in /proc/"$gw_pid"/task/*; do
    echo "$(cat "$t/comm") $(awk '{print $14 + $15}' "$t/stat") $(awk '/^wchar/ {print $2}' "$t/io")"
  done | awk '{cpu[$1] += $2; wr[$1] += $3} END {for (k in cpu) print k, cpu[k], wr[k]}' | sort
}

load 3s >/dev/null
snapshot >"$work/before"; head -1 /proc/stat >"$work/stat.before"
load "${secs}s" >"$work/wrk"
snapshot >"$work/after"; head -1 /proc/stat >"$work/stat.after"

requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk")
[ "${requests:-0}" -gt 0 ] || { cat "$work/wrk" >&2; echo "cpu_per_request.sh: no requests served" >&2; exit 1; }
errors=$(grep -E 'Non-2xx|Socket errors' "$work/wrk" || true)
echo "cpu_per_request.sh: $(nproc) cores, $secs s, $conns connections"
echo "  $(awk '/^Requests\/sec:/ {print $2}' "$work/wrk") req/s, p99 $(awk '$1=="99%" {print $2}' "$work/wrk"), $requests requests, ${errors:-no errors}"
join "$work/before" "$work/after" | awk -v n="$requests" -v hz="$(getconf CLK_TCK)" '
  { us = ($4 - $2) / hz * 1e6 / n; all += us
    printf "  %-16s %7.1f us CPU/request  %7.0f bytes written/request\n", $1, us, ($5 - $3) / n }
  END { printf "  %-16s %7.1f us CPU/request\n", "all threads", all }'
echo "  machine: $(machine_shares "$work/stat.before" "$work/stat.after")"
curl -s "http://127.0.0.1:$port/metrics" | grep -E '^trustgate_log_commits_total|^trustgate_log_checkpoints_total|^trustgate_log_commit_seconds_total' | sed 's/^/  /'
