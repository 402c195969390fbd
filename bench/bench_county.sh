# Sourced by bench/http.sh and bench/cpu_per_request.sh: the gateway they measure, on the
# same small county, and the same request mix; and the machine's CPU shares around a run.
#
# start_bench_county NAME: with $tg (the trustgate binary), $here (the checkout) and $work
# (a scratch directory) set, starts `trustgate demo` on a free loopback port and sets
# gw_pid, port, auth and purpose (the records clerk's headers). Writes $work/bookings.lua, a
# wrk script reading up to 500 bookings in turn, so the store and the decision cache see a
# clerk's spread of records rather than one record over and over. NAME prefixes errors.
start_bench_county() {
  local name=$1
  "$tg" demo --data "$work/county" --listen 127.0.0.1:0 --persons 2000 --alpr-reads 2000 --token-rps 0 \
    --address-rps 0 --policies "$here/policies" >"$work/demo.out" 2>"$work/demo.err" &
  gw_pid=$!
  for _ in $(seq 1 300); do grep -q "portal" "$work/demo.out" 2>/dev/null && break; sleep 0.2; done
  port=$(sed -n 's|.*portal *http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$work/demo.out")
  [ -n "$port" ] || { cat "$work/demo.err" >&2; echo "$name: gateway did not start" >&2; exit 1; }
  local token
  token=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['lasd-records-clerk'])" \
    "$work/county/demo-tokens.json")
  auth="Authorization: Bearer $token"
  purpose="TrustGate-Purpose: booking_operations"
  curl -sf -H "$auth" -H "$purpose" "http://127.0.0.1:$port/v1/bookings?release_within=2160h" |
    python3 -c "
import json, sys
ids = [r['booking_id'] for r in json.load(sys.stdin)['records']][:500]
print('ids = {' + ', '.join(json.dumps(i) for i in ids) + '}')
print('n = 0')
print('request = function() n = n + 1; return wrk.format(\"GET\", \"/v1/bookings/\" .. ids[n % #ids + 1]) end')
" >"$work/bookings.lua"
}

# machine_shares BEFORE AFTER: the idle, iowait and steal shares of all CPUs between two
# copies of /proc/stat's first line. Steal is the host taking the CPU: on the development
# VMs it ranged from 0 to 30% within a day, so compare runs only when it is low.
machine_shares() {
  paste "$1" "$2" | awk '{
    half = NF / 2; total = 0; for (i = 2; i <= half; i++) { d[i] = $(i + half) - $i; total += d[i] }
    if (total <= 0) total = 1
    printf "idle %.0f%%, iowait %.0f%%, steal %.0f%%", d[5] / total * 100, d[6] / total * 100, d[9] / total * 100 }'
}
