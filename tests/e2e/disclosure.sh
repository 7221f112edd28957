#!/usr/bin/env bash
# End-to-end: disclosure control across everything published from one
# database. The demo's Healthwatch export and several counts tables are
# published one after another, then audited together as an attacker would
# (tests/e2e/disclosure_audit.py): with exact counts (--rounding 1) no
# hidden count can be worked out exactly from all the tables at once; with
# the NHS rule each hidden count can still be anything over an interval at
# least as wide as the threshold (8), by linear programming.
# The same on small random databases, where many counts are small.
# usage: disclosure.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$(realpath "$1")
ANALYSER=$(realpath "$2")
. "$(dirname "$0")/lib.sh"
AUDIT=$(cd "$(dirname "$0")" && pwd)/disclosure_audit.py
cd "$TALLY_SAMPLES/.."
# The LP needs SciPy: Debian's python3-scipy is for /usr/bin/python3.
LP=
for py in /usr/bin/python3 python3; do
	if "$py" -c 'import scipy.optimize' 2>/dev/null; then LP=$py; break; fi
done

run tools/demo.sh "$COLLECTOR" "$ANALYSER" "$TMP/demo"
expect_rc "the sample database is built" 0

# audit NAME DB MODE ROUNDING BY...: publishes the export, counts by each BY
# and the report, then audits everything published.
audit() {
	local name=$1 db=$2 mode=$3 rounding=$4 dir=$TMP/pub-$1 by
	shift 4
	mkdir -p "$dir"
	run "$ANALYSER" export "$db" --healthwatch "$dir/hw.csv" --rounding "$rounding"
	expect_rc "$name: export --rounding $rounding" 0
	# The same tables as data, published later: hidden alike, so nothing more given away.
	run "$ANALYSER" export "$db" --tables "$dir/tables.csv" --rounding "$rounding"
	expect_rc "$name: export --tables --rounding $rounding" 0
	for by in "$@"; do
		run "$ANALYSER" counts "$db" --by $by --format csv --rounding "$rounding" --output "$dir/c-$by.csv"
		expect_rc "$name: counts --by $by --rounding $rounding" 0
	done
	run "$ANALYSER" report "$db" --you-said-we-did "$dir/r.html" --rounding "$rounding"
	expect_rc "$name: report --rounding $rounding" 0
	if [ "$mode" = lp ] && [ -z "$LP" ]; then
		if [ "${TALLY_REQUIRE_LP:-}" = 1 ]; then fail "$name: the LP audit needs python3-scipy"; else printf 'SKIP %s: LP audit needs python3-scipy\n' "$name"; fi
		return
	fi
	local said audit_rc oks=0
	said=$(${LP:-python3} "$AUDIT" "$mode" 8 "$dir"/hw.csv "$dir"/tables.csv "$dir"/c-*.csv 2>&1)
	audit_rc=$?
	while IFS= read -r line; do
		case "$line" in
		ok\ *) ok "$name: ${line#ok }"; oks=$((oks + 1)) ;;
		*) fail "$name: ${line#FAIL }" ;;
		esac
	done <<<"$said"
	# An audit that says nothing, or fails without saying why, proves nothing.
	[ "$audit_rc" -eq 0 ] && [ "$oks" -gt 0 ] && ok "$name: the $mode audit ran ($oks checks)" ||
		fail "$name: the $mode audit exited $audit_rc after $oks checks"
}

# Each table on its own (a fresh ledger for each) is what used to be
# published: the audit must catch what that gives away, or it proves nothing.
cp "$TMP/demo/survey.db" "$TMP/alone.db"
mkdir -p "$TMP/alone"
for by in district,channel channel district,AGE polarity district; do
	sqlite3 "$TMP/alone.db" "PRAGMA foreign_keys = ON; DELETE FROM publication_table"
	"$ANALYSER" counts "$TMP/alone.db" --by $by --format csv --rounding 1 >"$TMP/alone/c-$by.csv"
done
sqlite3 "$TMP/alone.db" "PRAGMA foreign_keys = ON; DELETE FROM publication_table"
"$ANALYSER" export "$TMP/alone.db" --healthwatch "$TMP/alone/hw.csv" --rounding 1 >/dev/null
run python3 "$AUDIT" exact 8 "$TMP/alone"/hw.csv "$TMP/alone"/c-*.csv
[ "$rc" -eq 1 ] && case "$out" in *"can be worked out exactly"*) true ;; *) false ;; esac \
	&& ok "tables suppressed each on its own give a hidden count away, and the audit says so" \
	|| fail "the audit missed what separate tables give away" "$out"

cp "$TMP/demo/survey.db" "$TMP/exact.db"
audit demo-exact "$TMP/exact.db" exact 1 district,channel channel district,AGE polarity district
cp "$TMP/demo/survey.db" "$TMP/nhs.db"
audit demo-nhs "$TMP/nhs.db" lp 5 district,channel channel district,AGE polarity district
# The ledger holds aggregates only, and an erased response takes them with it.
expect_eq "the ledger keeps no text" "$(sqlite3 "$TMP/nhs.db" "SELECT count(*) FROM publication_cell WHERE length(cell) > 200 OR length(theme) > 60")" 0
[ "$(sqlite3 "$TMP/nhs.db" "SELECT count(*) FROM publication_table")" -gt 0 ] && ok "the ledger holds the publications" || fail "the ledger is empty"
rid=$(sqlite3 "$TMP/nhs.db" "SELECT min(id) FROM response")
run "$COLLECTOR" erase "$TMP/nhs.db" --response "$rid" --by "Data Protection Officer" --yes
expect_rc "erase" 0
expect_eq "an erasure empties the ledger" "$(sqlite3 "$TMP/nhs.db" "SELECT (SELECT count(*) FROM publication_table) + (SELECT count(*) FROM publication_cell)")" 0

# Small random databases: a random 40 to 120 of the demo's responses.
for seed in 1 2; do
	n=$(( 40 + (seed * 37) % 80 ))
	cp "$TMP/demo/survey.db" "$TMP/r$seed.db"
	sqlite3 "$TMP/r$seed.db" "PRAGMA foreign_keys = ON; DELETE FROM response WHERE id NOT IN (SELECT id FROM response ORDER BY (id * $((seed * 7919 + 13))) % 1009 LIMIT $n)"
	audit "random-$seed-exact" "$TMP/r$seed.db" exact 1 district,channel channel district
	cp "$TMP/r$seed.db" "$TMP/r$seed-nhs.db"
	audit "random-$seed-nhs" "$TMP/r$seed-nhs.db" lp 5 district,channel channel district
done
finish
