#!/usr/bin/env bash
# End-to-end: every file the programs create is readable by its owner only
# (mode 0600), even under umask 000: the database and its -wal and -shm
# files, counts written with --output, the Healthwatch exports and the
# "You said, we did" page. They hold what the public said.
# usage: modes.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
W=$TMP/made
G=$TMP/gen
mkdir -p "$W" "$G"
python3 "$ROOT/bench/gen.py" 8000 "$G" >/dev/null || { echo "cannot generate the export"; exit 1; }
umask 000
DB=$W/survey.db

mode() { stat -c %a "$1"; }
expect_private() {
	if [ ! -e "$2" ]; then fail "$1: $2 was not made"
	else expect_eq "$1: mode of $(basename "$2")" "$(mode "$2")" 600; fi
}

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0
expect_private "init" "$DB"

# The -wal and -shm files exist while a program has the database open: look
# at them in the middle of an import, with the importer stopped.
"$COLLECTOR" import "$DB" "$G/online.csv" --map "$G/online.map.xml" -q >/dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	[ -e "$DB-wal" ] && [ -e "$DB-shm" ] && break
	sleep 0.05
done
kill -STOP "$pid"
expect_private "during an import" "$DB-wal"
expect_private "during an import" "$DB-shm"
kill -CONT "$pid"
wait "$pid"
expect_eq "import" "$?" 0
expect_private "after the import" "$DB"

"$COLLECTOR" import "$DB" "$S/exports/google-forms-online.csv" \
	--map "$S/exports/google-forms-online.map.xml" -q >/dev/null 2>&1
run "$ANALYSER" tag "$DB" "$F/rules/small.rules.xml"
expect_rc "tag" 0

for fmt in csv json xml; do
	run "$ANALYSER" counts "$DB" --format "$fmt" --output "$W/counts.$fmt"
	expect_rc "counts --format $fmt --output" 0
	expect_private "counts --format $fmt --output" "$W/counts.$fmt"
done
for ext in xlsx csv xml; do
	run "$ANALYSER" export "$DB" --healthwatch "$W/healthwatch.$ext"
	expect_rc "export --healthwatch .$ext" 0
	expect_private "export --healthwatch .$ext" "$W/healthwatch.$ext"
done
run "$ANALYSER" report "$DB" --you-said-we-did "$W/you-said-we-did.html"
expect_rc "report" 0
expect_private "report" "$W/you-said-we-did.html"

# Written again over a file someone made readable to all: still private.
chmod 644 "$W/counts.csv"
run "$ANALYSER" counts "$DB" --format csv --output "$W/counts.csv"
expect_private "counts over a 0644 file" "$W/counts.csv"

# Whatever else was made: private too, and no temporary file left behind.
expect_eq "files made that others can read" "$(find "$W" -type f ! -perm 600 | sort | tr '\n' ' ')" ""
expect_eq "temporary files left" "$(find "$W" -name '*.tmp-*' | tr '\n' ' ')" ""
finish
