#!/usr/bin/env bash
# HTTP benchmark of the gateway against nginx on the same machine, in the same run.
#
#   bench/http.sh [BUILD_DIR] [DURATION_SECONDS] [CONNECTIONS]
#
# Measures authenticated GET /v1/bookings/{id} over up to 500 bookings in turn (bearer token
# looked up in the store, full policy evaluation of every category, audit record committed to
# the ledger and the audit store before the answer) with wrk, then nginx serving a static file
# of the size of one such response. Prints requests/s and p99 of both, the machine's idle,
# iowait and steal during each (compare runs only when steal is low), and the ratio. Needs wrk and nginx
# (scripts/install-deps --bench); nginx runs as a normal user process on a loopback port.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
secs=${2:-10}
conns=${3:-32}
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
# When run as root, nginx's workers drop to an unprivileged user: let them read the file.
chmod o+rx "$work" "$work/www"; chmod o+r "$work/www/booking.json"
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
  server { listen 127.0.0.1:$nport; root $work/www; keepalive_requests 1000000; }
}
CONF
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>/dev/null &
ngx_pid=$!
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$nport/booking.json" >/dev/null && break; sleep 0.1; done
curl -sf "http://127.0.0.1:$nport/booking.json" >/dev/null || { cat "$work/nginx/error.log" >&2; echo "http.sh: nginx does not serve" >&2; exit 1; }

run() {  # name, wrk args...
  local name=$1; shift
  head -1 /proc/stat >"$work/stat.before"
  local out; out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency "$@")
  head -1 /proc/stat >"$work/stat.after"
  local rps p99 errs
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
  printf '%-8s %10s req/s   p99 %8s   %s   (%s)\n' "$name" "$rps" "$p99" "${errs:-no errors}" \
    "$(machine_shares "$work/stat.before" "$work/stat.after")" >&2
  echo "$rps"
}
echo "http.sh: $(nproc) cores, $secs s, $conns connections, $nbookings bookings in turn, response about $size bytes" >&2
gw=$(run gateway -H "$auth" -H "$purpose" -s "$work/bookings.lua" "$url")
ng=$(run nginx "http://127.0.0.1:$nport/booking.json")
python3 -c "import sys; g,n=float(sys.argv[1]),float(sys.argv[2]); print(f'ratio gateway/nginx = {g/n:.2f} (goal >= 0.50)')" "$gw" "$ng"
