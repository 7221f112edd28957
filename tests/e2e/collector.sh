#!/usr/bin/env bash
# End-to-end: the real collector over samples/, as an officer or analyst runs it.
# usage: collector.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db

# --- help, version, usage errors ---------------------------------------
for cmd in "" init status xform postcodes "postcodes load" "postcodes lookup"; do
	# shellcheck disable=SC2086
	run "$COLLECTOR" $cmd --help
	expect_rc "collector $cmd --help" 0
	expect_out "collector $cmd --help" "usage: collector"
done
run "$ANALYSER" --help
expect_rc "analyser --help" 0
for prog in "$COLLECTOR" "$ANALYSER"; do
	run "$prog" --version
	expect_rc "$(basename "$prog") --version" 0
	expect_out "$(basename "$prog") --version" "Database schema "
done
run "$COLLECTOR" frobnicate
expect_rc "unknown command" 2
expect_err "unknown command" "collector: unknown command 'frobnicate'"
run "$COLLECTOR" init --colour "$DB" "$S/exercise-2019.xml"
expect_rc "unknown option" 2
expect_err "unknown option" "usage: collector init"
run "$COLLECTOR" init "$DB"
expect_rc "missing argument" 2
run "$COLLECTOR" postcodes lookup "$DB" B79 --threshold 2
expect_rc "threshold out of range" 2
expect_err "threshold out of range" "--threshold takes a number from 0.5 to 1, not '2'"

# --- init and status on the sample exercise ----------------------------
run "$COLLECTOR" status "$DB"
expect_rc "status before init" 2
expect_err "status before init" "collector init"
[ ! -e "$DB" ] && ok "status created no database" || fail "status created a database"

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0
expect_out "init" "created $DB: exercise twb-2019"
expect_out "init" "9 districts, 23 events"
expect_eq "database mode" "$(stat -c %a "$DB")" 600

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init again" 0
expect_out "init again" "nothing changed"

run "$COLLECTOR" status "$DB"
expect_rc "status" 0
expect_out "status" "Exercise twb-2019"
expect_out "status" "Responses: 0"
expect_eq "status districts" "$(printf '%s\n' "$out" | grep -cE '^  E0[67][0-9]{6}  ')" 9
expect_eq "status events" "$(printf '%s\n' "$out" | grep -cE '^  (LE|RS)-[A-Z]+-[0-9] ')" 23
expect_eq "status listening events" "$(printf '%s\n' "$out" | grep -c ' listening-event ')" 13
expect_eq "status roadshows" "$(printf '%s\n' "$out" | grep -c ' roadshow ')" 10
expect_out "status" "Standard                       0   (main,"
expect_out "status" "Easy Read                      0   (easy-read,"
expect_out "status" "Staffordshire Moorlands"

# --- postcodes ----------------------------------------------------------
run "$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv"
expect_rc "postcodes load" 0
expect_out "postcodes load" "staffs-postcodes.csv: 49677 rows, 49674 loaded (postcode directory layout)"
run "$COLLECTOR" postcodes lookup "$DB" "st1 1af" B79 ST7 ST5
expect_rc "lookup" 0
expect_out "lookup" "$(printf 'st1 1af\tE06000021\tpostcode')"
expect_out "lookup" "$(printf 'B79\t-\tunresolved\toutward code B79 is split (64%% E07000199')"
expect_out "lookup" "$(printf 'ST7\t-\tunresolved\toutward code ST7 is split (52%% E07000195, 45%% E06000049')"
expect_out "lookup" "$(printf 'ST5\tE07000195\toutward-code')"
run "$COLLECTOR" postcodes lookup "$DB" ST7 --event LE-TAM-1
expect_out "lookup at an event" "$(printf 'ST7\tE07000199\tevent')"
run "$COLLECTOR" postcodes lookup "$DB" ST7 --event NOPE
expect_rc "lookup unknown event" 2
expect_err "lookup unknown event" "there is no event 'NOPE'"
run "$COLLECTOR" postcodes load "$DB" "$F/postcodes/bad-rows.csv"
expect_rc "postcodes with bad rows" 1
expect_err "postcodes with bad rows" "bad-rows.csv:3: 'not a postcode' is not a full UK postcode"
run "$COLLECTOR" status "$DB"
expect_out "status lookup" "49674 full postcodes, 65 outward codes (threshold 80%)"

# --- bad definitions: clear message, exit 1, database untouched --------
before=$(sha256sum "$DB" | cut -d' ' -f1)
for f in "$F"/exercise/*.xml; do
	name=$(basename "$f" .xml)
	want=$(sed -n 's/^<!-- expect: \(.*\) -->$/\1/p' "$f")
	run "$COLLECTOR" init "$DB" "$f"
	expect_rc "init $name" 1
	expect_err "init $name" "$want"
	run "$COLLECTOR" init "$TMP/new-$name.db" "$f"
	[ ! -e "$TMP/new-$name.db" ] && ok "init $name: no new database" || fail "init $name created a database"
done
expect_eq "database unchanged by bad definitions" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

run "$COLLECTOR" init "$DB" "$TMP/missing.xml"
expect_rc "missing definition" 2
expect_err "missing definition" "cannot open $TMP/missing.xml: No such file or directory"

# --- databases that are not ours ---------------------------------------
printf 'id,comment\n1,hello\n' >"$TMP/notes.db"
run "$COLLECTOR" init "$TMP/notes.db" "$S/exercise-2019.xml"
expect_rc "not SQLite" 1
expect_err "not SQLite" "$TMP/notes.db is not a survey database"
expect_eq "not SQLite left alone" "$(cat "$TMP/notes.db")" "$(printf 'id,comment\n1,hello')"

# --- a read-only folder --------------------------------------------------
mkdir "$TMP/ro" && chmod 0555 "$TMP/ro"
if [ "$(id -u)" -eq 0 ]; then
	# root ignores permissions: run as nobody. The binary and the definition
	# are copied where nobody can reach them, wherever the checkout lives.
	as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	chmod 0755 "$TMP"
	cp "$COLLECTOR" "$TMP/collector" && chmod 0755 "$TMP/collector"
	cp "$S/exercise-2019.xml" "$TMP/ro-def.xml" && chmod 0644 "$TMP/ro-def.xml"
	run as_nobody "$TMP/collector" init "$TMP/ro/survey.db" "$TMP/ro-def.xml"
else
	run "$COLLECTOR" init "$TMP/ro/survey.db" "$S/exercise-2019.xml"
fi
expect_rc "read-only folder" 3
expect_err "read-only folder" "cannot create database $TMP/ro/survey.db: Permission denied"

finish
