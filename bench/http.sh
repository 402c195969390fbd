#!/usr/bin/env bash
# HTTP benchmark of the gateway against nginx on the same machine, in the same run.
#
#   bench/http.sh [BUILD_DIR] [DURATION_SECONDS] [CONNECTIONS] [ROUNDS]
#
# Measures authenticated GET /v1/bookings/{id} over up to 500 bookings in turn (bearer token
# looked up in the store, full policy evaluation of every category, audit record committed to
# the ledger and the audit store before the answer) with wrk, against nginx serving static
# files of the size of one such response. Both get the same requests from the same client:
# the same wrk script over the same paths (/v1/bookings/ID, one file per booking for nginx)
# with the same headers, so the client's and the kernel's share per request is the same on
# both sides and the ratio compares the servers. nginx listens with `reuseport`, so its two
# workers get the connections evenly: without it one worker often took most of them and
# nginx's figure swung from 54k to 80k req/s between runs. ROUNDS (default 3) alternates
# the two, each warmed up for 3 s first, so a spell of host contention hits both. It prints
# every run with the machine's idle, iowait and steal, then the medians and their ratio over
# the rounds in which the host stole at most 5% of the CPU (all rounds when none was that
# quiet). For comparison with figures before this harness, one last run of nginx serving
# one file to a plain wrk (no script, no headers) is printed too. Each run also shows the
# CPU each request cost the server (all its threads or processes) and wrk (which shares the
# cores), and the summary the most requests per second the cores could serve at that cost:
# at c=32 the gateway is bounded by that ceiling as well as by its log's commit cycle.
# Needs wrk and nginx (scripts/install-deps --bench); nginx runs as a normal user process
# on a loopback port.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
secs=${2:-10}
conns=${3:-32}
rounds=${4:-3}
tg=$build/trustgate
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "http.sh: needs wrk and nginx: scripts/install-deps --bench" >&2; exit 1; }
[ -x "$tg" ] || { echo "http.sh: no $tg (make first)" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/tg-bench-http.XXXXXX")
gw_pid=; ngx_pid=
cleanup() {
  [ -n "$gw_pid" ] && kill "$gw_pid" 2>/dev/null && wait "$gw_pid" 2>/dev/null || true
  [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# The gateway on a small county, on a free port, and the wrk script of bookings.
# shellcheck source=bench/bench_county.sh
source "$here/bench/bench_county.sh"
start_bench_county http.sh
nbookings=$(grep -o '", "' "$work/bookings.lua" | wc -l); nbookings=$((nbookings + 1))
booking=$(sed -n 's/^ids = {"\([^"]*\)".*/\1/p' "$work/bookings.lua")
url="http://127.0.0.1:$port/v1/bookings/$booking"
size=$(curl -sf -H "$auth" -H "$purpose" "$url" | wc -c)

# nginx: a static file of the same size, as a user process with a temporary config.
mkdir -p "$work/www" "$work/nginx"
head -c "$size" /dev/zero | tr '\0' 'x' >"$work/www/booking.json"
# One file per booking the script asks for, at the same paths, so nginx gets the same requests.
mkdir -p "$work/www/v1/bookings"
grep -o '"[^"]*"' <(sed -n 's/^ids = {\(.*\)}$/\1/p' "$work/bookings.lua") | tr -d '"' |
  while read -r id; do ln "$work/www/booking.json" "$work/www/v1/bookings/$id"; done
# When run as root, nginx's workers drop to an unprivileged user: let them read the file.
chmod o+rx "$work" "$work/www" "$work/www/v1" "$work/www/v1/bookings"; chmod o+r "$work/www/booking.json"
nport=$((port + 1))
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
daemon off;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body; proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fcgi; uwsgi_temp_path $work/nginx/uwsgi; scgi_temp_path $work/nginx/scgi;
  server { listen 127.0.0.1:$nport reuseport; root $work/www; keepalive_requests 1000000; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>/dev/null &
ngx_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nport/booking.json" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$nport/booking.json" >/dev/null || { cat "$work/nginx/error.log" >&2; echo "http.sh: nginx does not serve" >&2; exit 1; }

process_ticks() {  # PID...: user + system clock ticks of these processes (all their threads)
  local t=0 pid
  for pid in "$@"; do [ -r "/proc/$pid/stat" ] && t=$((t + $(awk '{ print $14 + $15 }' "/proc/$pid/stat"))); done
  echo "$t"
}
server_pids() {  # NAME: the processes serving that run (nginx: its master and workers)
  if [ "$1" = gateway ]; then echo "$gw_pid"; else echo "$ngx_pid $(pgrep -P "$ngx_pid" | tr '\n' ' ')"; fi
}
tick_us=$((1000000 / $(getconf CLK_TCK)))
per_request_us() {  # TICKS REQUESTS: microseconds of CPU per request
  awk -v t="$1" -v n="$2" -v u="$tick_us" 'BEGIN { printf "%.0f", (n > 0 ? t * u / n : 0) }'
}
run() {  # name, wrk args...: prints the run to stderr, "REQUESTS/S STEAL% SERVER_US WRK_US" to stdout
  local name=$1; shift
  wrk -t2 -c"$conns" -d3s "$@" >/dev/null  # warm-up
  local pids; read -r -a pids <<<"$(server_pids "$name")"
  head -1 /proc/stat >"$work/stat.before"
  local before; before=$(process_ticks "${pids[@]}")
  # wrk's own CPU: the subshell's waited-for children's ticks (fields 16 and 17 of its stat).
  local out
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$@"
        me=$BASHPID; echo "client_ticks $(awk '{ print $16 + $17 }' "/proc/$me/stat")")
  local after; after=$(process_ticks "${pids[@]}")
  head -1 /proc/stat >"$work/stat.after"
  local rps p99 errs total server_us client_us shares
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  total=$(awk '/^ +[0-9]+ requests in/ {print $1}' <<<"$out")
  server_us=$(per_request_us $((after - before)) "$total")
  client_us=$(per_request_us "$(awk '/^client_ticks/ {print $2}' <<<"$out")" "$total")
  shares=$(machine_shares "$work/stat.before" "$work/stat.after")
  printf '%-10s %10s req/s   p99 %8s   %s   (%s; CPU/request: server %s us, wrk %s us)\n' \
    "$name" "$rps" "$p99" "${errs:-no errors}" "$shares" "$server_us" "$client_us" >&2
  echo "$rps $(sed -n 's/.*steal \([0-9]*\)%.*/\1/p' <<<"$shares") $server_us $client_us"
}
echo "http.sh: $(nproc) cores, $rounds rounds of $secs s, $conns connections, $nbookings bookings in turn, response about $size bytes" >&2
gws=(); ngs=()
for r in $(seq 1 "$rounds"); do
  gws+=("$(run gateway -H "$auth" -H "$purpose" -s "$work/bookings.lua" "http://127.0.0.1:$port")")
  ngs+=("$(run nginx -H "$auth" -H "$purpose" -s "$work/bookings.lua" "http://127.0.0.1:$nport")")
done
plain=$(run nginx-1 "http://127.0.0.1:$nport/booking.json")
python3 - "$plain" "${gws[*]}" "${ngs[*]}" <<'PY'
import os, statistics, sys
# Rounds where either run lost more than 5% of the CPU to the host (steal) are left out of
# the medians, unless every round did.
plain = float(sys.argv[1].split()[0])
def runs(text):  # (req/s, steal %, server us/request, wrk us/request) per run
    v = [float(x) for x in text.split()]
    return [tuple(v[i:i + 4]) for i in range(0, len(v), 4)]
g, n = runs(sys.argv[2]), runs(sys.argv[3])
clean = [i for i in range(len(g)) if g[i][1] <= 5 and n[i][1] <= 5] or list(range(len(g)))
gm = statistics.median(g[i][0] for i in clean)
nm = statistics.median(n[i][0] for i in clean)
print(f"median gateway {gm:.0f} req/s, nginx {nm:.0f} req/s: ratio gateway/nginx = {gm / nm:.2f} (goal >= 0.50)")
print("per round: " + ", ".join(f"{a[0] / b[0]:.2f}" + ("" if i in clean else " (steal, left out)")
                                for i, (a, b) in enumerate(zip(g, n))))
print(f"against nginx serving one file to a plain wrk ({plain:.0f} req/s): {gm / plain:.2f}")
# The CPU budget: what each request cost the server and the client (wrk shares the cores),
# and the most requests per second the machine's cores could give at those costs.
cores = os.cpu_count() or 1
for name, r in (("gateway", g), ("nginx", n)):
    server = statistics.median(r[i][2] for i in clean)
    client = statistics.median(r[i][3] for i in clean)
    ceiling = cores * 1e6 / (server + client) if server + client > 0 else 0
    print(f"CPU per request, {name}: server {server:.0f} us + wrk {client:.0f} us; "
          f"{cores} cores fully busy at that cost: {ceiling:.0f} req/s")
PY
