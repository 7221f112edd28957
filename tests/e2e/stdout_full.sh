#!/usr/bin/env bash
# End-to-end: every command that prints, with its standard output on a full
# disk (/dev/full), fails with exit 3 and says so: output is never lost
# silently. The dispatcher checks standard output once, after any command.
# usage: stdout_full.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
X=$S/exports
DB=$TMP/survey.db
R=$F/rules/small.rules.xml

# full NAME CMD...: runs CMD with standard output on /dev/full; it must fail
# with exit 3, saying why, once.
full() {
	local name=$1
	shift
	"$@" >/dev/full 2>"$TMP/stderr" && rc=0 || rc=$?
	out=""
	err=$(cat "$TMP/stderr")
	expect_rc "$name into a full disk" 3
	expect_err "$name into a full disk" "cannot write to standard output"
	expect_eq "$name into a full disk: said once" \
		"$(grep -c 'cannot write to standard output' "$TMP/stderr")" 1
}

# --- the collector, building a small demo database as it goes ---------------
full "collector --help" "$COLLECTOR" --help
full "collector --version" "$COLLECTOR" --version
full "collector help import" "$COLLECTOR" help import
full "collector postcodes --help" "$COLLECTOR" postcodes --help
full "init" "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_eq "init into a full disk: the database is kept" \
	"$(sqlite3 "$DB" "SELECT code FROM exercise")" "twb-2019"
full "init again" "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
full "postcodes load" "$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" \
	"$S/postcodes/staffs-postcodes.csv"
full "import" "$COLLECTOR" import "$DB" "$X/google-forms-online.csv" \
	--map "$X/google-forms-online.map.xml" -q
expect_eq "import into a full disk: the rows are in" \
	"$(sqlite3 "$DB" "SELECT count(*) > 0 FROM response")" 1
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
full "status" "$COLLECTOR" status "$DB"
full "rejects" "$COLLECTOR" rejects "$DB" --all
full "postcodes lookup" "$COLLECTOR" postcodes lookup "$DB" ST7 "st1 1af"
full "enter --questions" "$COLLECTOR" enter "$DB" --questions
full "resolve --list" "$COLLECTOR" resolve "$DB" --list
id=$(sqlite3 "$DB" "SELECT external_id FROM response WHERE external_id IS NOT NULL LIMIT 1")
full "erase" "$COLLECTOR" erase "$DB" --external-id "$id" --by DPO --reason test --yes
full "erase --finish" "$COLLECTOR" erase "$DB" --finish

# --- the analyser ------------------------------------------------------------
full "analyser --help" "$ANALYSER" --help
full "analyser action --help" "$ANALYSER" action --help
full "rules check" "$ANALYSER" rules check "$R"
full "tag" "$ANALYSER" tag "$DB" "$R"
expect_eq "tag into a full disk: tagged" "$(sqlite3 "$DB" "SELECT count(*) > 0 FROM tag")" 1
full "counts" "$ANALYSER" counts "$DB"
full "counts --format csv" "$ANALYSER" counts "$DB" --format csv
full "untagged" "$ANALYSER" untagged "$DB"
rid=$(sqlite3 "$DB" "SELECT response_id FROM answer WHERE value IS NOT NULL LIMIT 1")
full "explain" "$ANALYSER" explain "$DB" "$rid"
theme=$(sqlite3 "$DB" "SELECT code FROM theme LIMIT 1")
full "action add" "$ANALYSER" action add "$DB" --theme "$theme" --text "Done."
full "action list" "$ANALYSER" action list "$DB"
full "action edit" "$ANALYSER" action edit "$DB" 1 --owner "Estates"
full "action remove" "$ANALYSER" action remove "$DB" 1
full "export" "$ANALYSER" export "$DB" --healthwatch "$TMP/hw.csv"
full "report" "$ANALYSER" report "$DB" --you-said-we-did "$TMP/yswd.html"

# evaluate, on a tiny database of its own.
T=$TMP/tiny.db
"$COLLECTOR" init "$T" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$T" "$F/evaluate/tiny.csv" --map "$F/evaluate/tiny.map.xml" -q >/dev/null
"$ANALYSER" tag "$T" "$F/evaluate/tiny.rules.xml" >/dev/null
full "evaluate" "$ANALYSER" evaluate "$T" "$F/evaluate/tiny-gold.csv"
full "evaluate --theme" "$ANALYSER" evaluate "$T" "$F/evaluate/tiny-gold.csv" --theme KIND
full "agree" "$ANALYSER" agree "$T" "$F/evaluate/tiny-gold.csv" "$F/evaluate/tiny-gold.csv" --disagreements
full "rules score" "$ANALYSER" rules score "$T" "$F/evaluate/tiny.rules.xml" "$F/evaluate/tiny-gold.csv"
full "rules try" "$ANALYSER" rules try "$T" kind --gold "$F/evaluate/tiny-gold.csv" --theme KIND
full "suggest" "$ANALYSER" suggest "$T" "$F/evaluate/tiny-gold.csv" --theme KIND --min 1

# The same commands with somewhere to write still succeed.
run "$COLLECTOR" status "$DB"
expect_rc "status to a pipe" 0
run "$ANALYSER" untagged "$DB"
expect_rc "untagged to a pipe" 0

finish
