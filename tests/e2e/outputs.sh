#!/usr/bin/env bash
# End-to-end: what the programs write and what they read. No output is ever
# written over the database, its -wal or -shm, or any SQLite file; outputs
# leave no temporaries behind; CSV cells cannot start a spreadsheet
# formula; inputs that never end (devices, FIFOs, sockets, huge files) are
# refused at once.
# usage: outputs.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null
sum() { sha256sum "$1" | cut -d' ' -f1; }
before=$(sum "$DB")

# --- never over the database --------------------------------------------------
# expect_refused NAME TARGET TEXT: the last run was refused (exit 2) saying
# TEXT, and the database is as it was.
expect_refused() {
	expect_rc "$1" 2
	expect_err "$1" "$3"
	expect_eq "$1: database unchanged" "$(sum "$DB")" "$before"
}
run "$ANALYSER" counts "$DB" --format csv --output "$DB"
expect_refused "counts --output DB" "$DB" "refusing to write $DB: it is the database $DB"
run "$ANALYSER" report "$DB" --you-said-we-did "$DB"
expect_refused "report over DB" "$DB" "refusing to write $DB: it is the database"
for f in wal shm journal; do
	run "$ANALYSER" counts "$DB" --format csv --output "$DB-$f"
	expect_refused "counts --output DB-$f" "$DB" "it is the -$f file of the database $DB"
	[ -e "$DB-$f" ] && fail "counts --output DB-$f: made $DB-$f" || ok "counts --output DB-$f: nothing made"
done
ln -s survey.db "$TMP/link.csv"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/link.csv"
expect_refused "counts through a symbolic link" "$DB" "it is the database $DB"
ln "$DB" "$TMP/hard.csv"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/hard.csv"
expect_refused "export over a hard link" "$DB" "it is the database $DB"
rm -f "$TMP/hard.csv"
# A database whose own name ends .csv, .xlsx or .xml, exported to itself.
for ext in csv xlsx xml; do
	cp "$DB" "$TMP/db.$ext"
	run "$ANALYSER" export "$TMP/db.$ext" --healthwatch "$TMP/db.$ext"
	expect_rc "export DB.$ext to itself" 2
	expect_err "export DB.$ext to itself" "it is the database $TMP/db.$ext"
	expect_eq "export DB.$ext to itself: unchanged" "$(head -c 15 "$TMP/db.$ext")" "SQLite format 3"
done
# Any SQLite file, not only the one open.
cp "$DB" "$TMP/other.db"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/other.db"
expect_rc "counts over another SQLite file" 2
expect_err "counts over another SQLite file" "refusing to write $TMP/other.db: it is an SQLite database"
run "$ANALYSER" counts "$DB" --format csv --output /dev/null
expect_rc "counts over a device" 2
expect_err "counts over a device" "not a regular file"
[ -c /dev/null ] && ok "/dev/null still a device" || fail "/dev/null replaced"
# An ordinary older output is replaced as before.
echo old >"$TMP/counts.csv"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/counts.csv"
expect_rc "counts over an older output" 0
expect_eq "counts over an older output: replaced" "$(head -c 5 "$TMP/counts.csv")" "theme"

# --- no temporaries left -------------------------------------------------------
mkdir "$TMP/out"
for n in aaaaaa bbbbbb; do echo partial >"$TMP/out/r.html.tmp-$n"; done
echo keep >"$TMP/out/r.html.tmp-not-ours"
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/out/r.html"
expect_rc "report" 0
expect_eq "report: earlier runs' temporaries removed, nothing else" \
	"$(cd "$TMP/out" && ls | tr '\n' ' ')" "r.html r.html.tmp-not-ours "
# A run killed while it writes leaves nothing (the file has no name until
# it is complete).
for i in 1 2 3 4 5; do
	"$ANALYSER" export "$DB" --healthwatch "$TMP/out/k$i.xlsx" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$i"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
left=$(cd "$TMP/out" && ls | grep -c 'tmp-[A-Za-z0-9]\{6\}$')
expect_eq "killed exports: temporaries left" "$left" 0

finish
