#!/usr/bin/env bash
# Import speed and memory: `collector import` against the sqlite3 shell's own
# `.import --csv` of the same CSV, in the same run. Prints rows per second,
# the time ratio (collector / sqlite3; the target is 1.0 or less) and the peak
# resident memory of both.
# usage: bench/import.sh [ROWS] [BUILD]   (default 100000 rows, build/)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
BUILD=${2:-build}
C=$BUILD/collector/collector
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
command -v /usr/bin/time >/dev/null || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 2; }

python3 bench/gen_import_csv.py "$N" "$OUT/in.csv"
"$C" init "$OUT/survey.db" samples/exercise-2019.xml >/dev/null
"$C" postcodes load "$OUT/survey.db" samples/postcodes/outward-shares.csv >/dev/null

measure() { # NAME CMD...: prints seconds and peak KB
	/usr/bin/time -f '%e %M' -o "$OUT/t" "${@:2}" >/dev/null 2>"$OUT/err" || { cat "$OUT/err" >&2; exit 1; }
	read -r secs kb <"$OUT/t"
	printf '%-18s %8.2f s %10.0f rows/s %8d KB peak\n' "$1" "$secs" "$(echo "$N / ($secs + 0.0001)" | bc -l)" "$kb"
	eval "${1//[^a-z]/_}_s=$secs"
}

echo "import of $N rows ($(du -h "$OUT/in.csv" | cut -f1) CSV)"
measure sqlite3 sqlite3 "$OUT/plain.db" ".import --csv $OUT/in.csv t"
measure collector "$C" import "$OUT/survey.db" "$OUT/in.csv" --map tests/fixtures/import/online.map.xml -q
printf 'ratio collector/sqlite3: %.2f (target <= 1.0)\n' "$(echo "$collector_s / $sqlite__s" | bc -l)"
