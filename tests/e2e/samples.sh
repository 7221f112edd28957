#!/usr/bin/env bash
# End-to-end: the main job (tools/demo.sh, what `make demo` runs) over the
# bundled samples, and the theme counts it gives against the expected
# counts checked into tests/expected/.
# usage: samples.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
EXPECTED=$(cd "$(dirname "$0")/../expected" && pwd)
cd "$TALLY_SAMPLES/.."

run tools/demo.sh "$COLLECTOR" "$ANALYSER" "$TMP/demo"
expect_rc "the demo runs" 0
expect_out "every export imported" "easy-read-paper.csv: 45 read, 45 imported, 0 rejected"
expect_out "the rules pass their examples" "0 failed"
expect_out "the headline table" "Theme                            Cannock"
expect_out "the headline's denominators" "Respondents                             50             66"
DB=$TMP/demo/survey.db
expect_eq "published counts are private" "$(stat -c %a "$TMP/demo/theme-counts-by-district.csv")" 600

# The counts equal the ones checked in; a change to import, tagging or
# counting that moves any number shows here as a diff.
for by in district channel; do
	"$ANALYSER" counts "$DB" --by $by --format csv --no-suppress >"$TMP/by-$by.csv" 2>/dev/null
	if diff -u "$EXPECTED/counts-by-$by.csv" "$TMP/by-$by.csv" >"$TMP/diff" 2>&1; then
		ok "counts by $by equal tests/expected/counts-by-$by.csv"
	else
		fail "counts by $by differ from tests/expected/counts-by-$by.csv" "$(head -20 "$TMP/diff")"
	fi
done
# And the expected file agrees with the database by another road: the
# "any theme" total is the respondents with at least one tag, in SQL.
any_sql=$(sqlite3 "$DB" "SELECT count(DISTINCT a.response_id) FROM tag t JOIN answer a ON a.id = t.answer_id")
any_file=$(grep '^(any),Any theme,0,(all),All,' "$EXPECTED/counts-by-district.csv" | cut -d, -f6)
expect_eq "expected any-theme total matches SQL" "$any_file" "$any_sql"
stoke_sql=$(sqlite3 "$DB" "SELECT count(DISTINCT a.response_id) FROM tag t JOIN answer a ON a.id = t.answer_id JOIN theme h ON h.id = t.theme_id JOIN response r ON r.id = a.response_id WHERE r.district_code = 'E06000021' AND (h.code = 'STAFF' OR h.parent_id = (SELECT id FROM theme WHERE code = 'STAFF'))")
stoke_file=$(grep '^STAFF,Staff,1,E06000021,' "$EXPECTED/counts-by-district.csv" | cut -d, -f6)
expect_eq "expected staff count in Stoke-on-Trent matches SQL" "$stoke_file" "$stoke_sql"
finish
