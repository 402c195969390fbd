#!/bin/sh
# trustgate log init/append/prove/consistency/verify/bench end to end, with proofs checked
# by the independent verifier. Usage: cli_end_to_end.sh TRUSTGATE TLOG_VERIFY
set -eu
tg=$1; tv=$2
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

"$tg" log init --dir "$d/log" --origin county.example.gov/audit > "$d/vkey.out"
key=$(cat "$d/log/vkey")
[ "$(cat "$d/vkey.out")" = "$key" ] || fail "init did not print the verifier key"
[ "$(stat -c %a "$d/log/signing-key")" = 600 ] || fail "signing key is not mode 0600"
if "$tg" log init --dir "$d/log" --origin county.example.gov/audit 2>/dev/null; then fail "init over a log"; fi

seq 1 100 > "$d/a.txt"
"$tg" log append --dir "$d/log" "$d/a.txt" | grep -q "appended 100 entries (indices 0..99); tree size 100" || fail append
cp "$d/log/checkpoint" "$d/old-checkpoint"
seq 101 300 | "$tg" log append --dir "$d/log" | grep -q "tree size 300" || fail "append from stdin"

"$tg" log prove --dir "$d/log" --index 41 > "$d/p.tlog-proof"
printf 42 > "$d/e"
"$tv" proof -key "$key" -entry "$d/e" "$d/p.tlog-proof" || fail "tlog-verify rejected our proof"
printf 43 > "$d/e"
if "$tv" proof -key "$key" -entry "$d/e" "$d/p.tlog-proof" 2>/dev/null; then fail "proof for the wrong entry"; fi
if "$tg" log prove --dir "$d/log" --index 300 2>/dev/null; then fail "proof past the end"; fi

"$tg" log consistency --dir "$d/log" --old 100 > "$d/c"
"$tv" consistency -key "$key" -checkpoint "$d/log/checkpoint" -old "$d/old-checkpoint" -proof "$d/c" ||
  fail "tlog-verify rejected our consistency proof"

"$tg" log verify --dir "$d/log" | grep -q "log OK: origin=county.example.gov/audit size=300" || fail verify
"$tv" tiles -key "$key" -dir "$d/log" -entries || fail "tlog-verify rejected our tiles"
# One flipped byte in an entry bundle must be found.
printf 'X' | dd of="$d/log/tile/entries/000" bs=1 seek=100 conv=notrunc 2>/dev/null
if "$tg" log verify --dir "$d/log" 2>/dev/null; then fail "verify missed a flipped byte"; fi

"$tg" log bench --dir "$d/bench" --entries 5000 --entry-bytes 32 --proofs 100 | grep -q "entries/s" || fail bench
"$tg" log verify --dir "$d/bench" | grep -q "size=5000" || fail "bench log does not verify"
echo "ledger CLI end to end: OK"
