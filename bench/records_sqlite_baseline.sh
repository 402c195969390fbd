#!/usr/bin/env bash
# Plate reads: TrustGate's store against SQLite's own sqlite3 shell, side by side, on the same
# rows, the same table layout and the same settings (WAL, synchronous=NORMAL, 64 MB cache).
#
#   bench/records_sqlite_baseline.sh [N]        (default N = 1000000; the issue's figure is 10000000)
#
# Two loads each:
#   live: the plate index exists while rows go in (importing into a store that is serving);
#   bulk: rows go in without the index, which is built once afterwards (how `trustgate
#         generate` loads, and the fastest way for either side).
# Then Q = 10000 lookups of random plates (every read of the plate, oldest first) on each side.
# The sqlite3 side runs .import --csv; its lookups are a script of SELECTs piped to the shell
# (output to /dev/null), so they include the shell's parsing and printing.
set -euo pipefail
N=${1:-1000000}
Q=${Q:-10000}
MODES=${MODES:-"live bulk"}   # MODES=bulk skips the slow live load
here=$(cd "$(dirname "$0")/.." && pwd)
BENCH=${BENCH:-$here/build/bench/records_bench}
[ -x "$BENCH" ] || { echo "no $BENCH: build first (make)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 shell missing (scripts/install-deps)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/tg-records-baseline.XXXXXX")
trap 'rm -rf "$work"' EXIT
now() { date +%s.%N; }
secs() { echo "$1 $2" | awk '{printf "%.2f", $2 - $1}'; }

echo "== $N plate reads, $(nproc) cores, sqlite3 $(sqlite3 --version | cut -d' ' -f1), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BENCH" write-csv "$work/reads.csv" "$N"
echo "   CSV: $(du -h "$work/reads.csv" | cut -f1)"
"$BENCH" plates "$work/reads.csv" "$Q" "$work/plates.txt"

schema="CREATE TABLE plate_reads (plate TEXT NOT NULL, state TEXT NOT NULL, read_at INTEGER NOT NULL,
  lat REAL, lon REAL, device TEXT NOT NULL, agency TEXT NOT NULL, confidence REAL NOT NULL, image_ref TEXT NOT NULL);"
index="CREATE INDEX plate_reads_plate_time ON plate_reads(plate, read_at);"
pragmas="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;"

for mode in $MODES; do
  echo "-- $mode load"
  sync
  if [ $mode = live ]; then
    "$BENCH" load "$work/tg-$mode.db" "$work/reads.csv"
    pre="$schema $index"; post=""
  else
    "$BENCH" load "$work/tg-$mode.db" "$work/reads.csv" bulk
    pre="$schema"; post="PRAGMA cache_size=-2000; PRAGMA temp_store=FILE; $index ANALYZE;"
  fi
  sync
  t0=$(now)
  sqlite3 "$work/sq-$mode.db" >/dev/null <<SQL
$pragmas
$pre
.import --csv --skip 1 $work/reads.csv plate_reads
$post
SQL
  t1=$(now)
  rows=$(sqlite3 "$work/sq-$mode.db" "SELECT count(*) FROM plate_reads")
  echo "sqlite3 shell:  $rows reads: .import${post:+ + index} total $(secs $t0 $t1) s ($(echo "$rows $t0 $t1" | awk '{printf "%.0f", $1/($3-$2)}') reads/s)"
done

last=${MODES##* }   # look up in the databases the last load made
echo "-- $Q lookups ($last-loaded databases)"
"$BENCH" lookup "$work/tg-$last.db" "$work/plates.txt"
awk '{printf "SELECT * FROM plate_reads WHERE plate = '"'"'%s'"'"' AND read_at >= 0 AND read_at < 9223372036854775807 ORDER BY read_at LIMIT 100000;\n", $1}' \
  "$work/plates.txt" > "$work/lookups.sql"
t0=$(now)
sqlite3 -bail "$work/sq-$last.db" < "$work/lookups.sql" > /dev/null
t1=$(now)
echo "sqlite3 shell:  $Q lookups: total $(secs $t0 $t1) s, $(echo "$t0 $t1 $Q" | awk '{printf "%.1f", ($2-$1)*1e6/$3}') us/lookup"
echo "   files: trustgate $(du -h "$work/tg-$last.db" | cut -f1), sqlite3 $(du -h "$work/sq-$last.db" | cut -f1)"
