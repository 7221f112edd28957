#!/usr/bin/env bash
# End-to-end: analyser rules check, tag and counts over imported samples.
# usage: analyser.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db
X=$S/exports
R=$F/rules/small.rules.xml

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null

# --- rules check ---------------------------------------------------------
run "$ANALYSER" rules check "$R"
expect_rc "rules check" 0
expect_out "rules check" "4 themes, 6 examples, 6 passed, 0 failed"
run "$ANALYSER" rules check "$F/rules/failing.rules.xml"
expect_rc "failing example" 1
expect_out "failing example" "FAIL $F/rules/failing.rules.xml:4: A: expected a match, got none: \"bus stop\""
run "$ANALYSER" rules check "$F/rules/broken.rules.xml"
expect_rc "broken pattern" 1
expect_err "broken pattern" "broken.rules.xml:3: pattern A/1 does not compile at column 8: missing closing parenthesis"
run "$ANALYSER" tag "$DB" "$F/rules/broken.rules.xml"
expect_rc "tag with broken rules" 1
# A rule set whose own examples fail is not applied unless asked for.
run "$ANALYSER" tag "$DB" "$F/rules/failing.rules.xml"
expect_rc "tag with failing examples" 1
expect_err "tag with failing examples" "FAIL $F/rules/failing.rules.xml:4: A: expected a match, got none: \"bus stop\""
expect_err "tag with failing examples" "analyser: $F/rules/failing.rules.xml: 1 of the rule set's examples fails (listed above), so nothing was tagged: fix the rules (\`analyser rules check $F/rules/failing.rules.xml\`), or tag anyway with --allow-failing-examples"
expect_eq "tag with failing examples: nothing tagged" "$(sqlite3 "$DB" "SELECT count(*) FROM ruleset")" 0
run "$ANALYSER" tag "$DB" "$F/rules/failing.rules.xml" --allow-failing-examples
expect_rc "tag --allow-failing-examples" 0
expect_err "tag --allow-failing-examples" "FAIL $F/rules/failing.rules.xml:4: A: expected a match"
expect_err "tag --allow-failing-examples" "tagging although 1 of the rule set's examples fail"
expect_eq "tag --allow-failing-examples: tagged" "$(sqlite3 "$DB" "SELECT file_name FROM ruleset")" "failing.rules.xml"
# Back to nothing tagged, for what follows.
sqlite3 "$DB" "DELETE FROM tag; DELETE FROM theme; DELETE FROM ruleset"

# --- tag -------------------------------------------------------------------
run "$ANALYSER" counts "$DB"
expect_rc "counts before tagging" 2
expect_err "counts before tagging" "nothing is tagged yet"
run "$ANALYSER" tag "$DB" "$R"
expect_rc "tag" 0
expect_out "tag" "4 themes:"
tags=$(sqlite3 "$DB" "SELECT count(*) FROM tag")
[ "$tags" -gt 0 ] && ok "tags written ($tags)" || fail "no tags written"
# Tagging runs with foreign keys and the tag trigger off: what it writes
# must still satisfy both.
expect_eq "tags: foreign keys hold" "$(sqlite3 "$DB" "PRAGMA foreign_key_check")" ""
expect_eq "tags: response and question filled" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM tag t JOIN answer a ON a.id = t.answer_id WHERE t.response_id IS NOT a.response_id OR t.question_id IS NOT a.question_id")" 0
# Every tag's span holds the word its theme looks for.
expect_eq "spans hold the matched words" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM tag_detail WHERE lower(matched) NOT IN ('park', 'bus', 'kind')")" 0
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$ANALYSER" tag "$DB" "$R"
expect_out "tag again" "already in use; 0 new answers read, 0 tags added ($tags tags in all)"
expect_eq "tag again changes nothing" "$(sqlite3 "$DB" "SELECT count(*) FROM tag")" "$tags"
# New answers since: only they are read.
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
# Until they are read, nothing is published from the partial tags; the
# table on screen only warns.
stale=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id JOIN response r ON r.id = a.response_id JOIN import_batch b ON b.id = r.batch_id WHERE q.type = 'free-text' AND a.value IS NOT NULL AND b.file_name LIKE '%paper-forms.csv'")
stale_msg="analyser: $stale free-text answers were imported or changed after the last tag run, so the tags leave them out: run \`analyser tag $DB RULES\` first (the rules last used: small.rules.xml)"
for f in csv json xml; do
	run "$ANALYSER" counts "$DB" --format "$f"
	expect_rc "stale tags: counts --format $f" 1
	expect_err "stale tags: counts --format $f" "$stale_msg"
	expect_eq "stale tags: counts --format $f writes nothing" "$out" ""
done
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/stale.csv"
expect_rc "stale tags: counts --output" 1
[ ! -e "$TMP/stale.csv" ] && ok "stale tags: no file written" || fail "stale tags: $TMP/stale.csv written"
run "$ANALYSER" counts "$DB"
expect_rc "stale tags: counts table" 0
expect_err "stale tags: counts table warns" "$stale_msg"
expect_out "stale tags: counts table still shown" "Respondents"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/stale.xlsx"
expect_rc "stale tags: export" 1
expect_err "stale tags: export" "$stale_msg"
[ ! -e "$TMP/stale.xlsx" ] && ok "stale tags: no export written" || fail "stale tags: export written"
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/stale.html"
expect_rc "stale tags: report" 1
expect_err "stale tags: report" "$stale_msg"
[ ! -e "$TMP/stale.html" ] && ok "stale tags: no report written" || fail "stale tags: report written"
run "$ANALYSER" tag "$DB" "$R"
expect_out "tag after an import" "already in use;"
new=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id JOIN response r ON r.id = a.response_id JOIN import_batch b ON b.id = r.batch_id WHERE q.type = 'free-text' AND b.file_name LIKE '%paper-forms.csv'")
expect_out "tag after an import" "$new new answers read"

# --- counts, checked against SQL LIKE over the same answers ----------------
run "$ANALYSER" counts "$DB"
expect_rc "counts" 0
expect_out "counts" "Respondents"
like_count() { # THEME-WORD DISTRICT-CODE: respondents whose free text contains the word
	sqlite3 "$DB" "SELECT count(DISTINCT r.id) FROM response r JOIN answer a ON a.response_id = r.id JOIN question q ON q.id = a.question_id WHERE q.type = 'free-text' AND a.value LIKE '%$1%' AND r.district_code IS '$2'"
}
row() { printf '%s\n' "$out" | grep -E "^ *$1 " | head -1; }
for d in 1 2 9; do
	code=$(sqlite3 "$DB" "SELECT district_code FROM exercise_district ORDER BY position LIMIT 1 OFFSET $((d - 1))")
	got=$(row "Parking" | awk -v c=$((d + 1)) '{print $c}')
	expect_eq "parking in district $d" "$got" "$(like_count park "$code")"
	got=$(row "Kind staff" | awk -v c=$((d + 2)) '{print $c}')
	expect_eq "kind staff in district $d" "$got" "$(like_count kind "$code")"
done
total_any=$(sqlite3 "$DB" "SELECT count(DISTINCT r.id) FROM response r JOIN answer a ON a.response_id = r.id JOIN question q ON q.id = a.question_id WHERE q.type = 'free-text' AND (a.value LIKE '%park%' OR a.value LIKE '%bus%')")
expect_eq "a parent counts its sub-themes once per respondent" "$(row "Getting there" | awk '{print $NF}')" "$total_any"
expect_eq "denominator" "$(row "Respondents" | awk '{print $NF}')" "$(sqlite3 "$DB" "SELECT count(*) FROM response")"
run "$ANALYSER" counts "$DB" --level 1
case "$out" in *"  Parking"*) fail "--level 1 shows sub-themes" ;; *) ok "--level 1 hides sub-themes" ;; esac

# --- counts by other dimensions, as CSV without suppression, against SQL ---------
# csv_cell THEME V1 [V2]: the respondents_mentioning column of that record.
csv_cell() { COL=-3 csv_get "$@"; }
csv_base() { COL=-2 csv_get "$@"; }
csv_get() {
	printf '%s\n' "$out" | python3 -c '
import csv, os, sys
want = sys.argv[1:]
rows = list(csv.reader(sys.stdin))
head = rows[0]
dims = [i for i, h in enumerate(head[3:-3], 3) if not h.endswith("_label")]
for r in rows[1:]:
    if r[0] == want[0] and [r[i] for i in dims] == want[1:]:
        print(r[int(os.environ["COL"])]); break
else:
    print("missing")' "$@"
}
# sql_resp WHERE: respondents with a free-text answer matching WHERE (a: answer, r: response, q: question).
sql_resp() {
	sqlite3 "$DB" "SELECT count(DISTINCT r.id) FROM response r JOIN answer a ON a.response_id = r.id JOIN question q ON q.id = a.question_id WHERE q.type = 'free-text' AND ($1)"
}
run "$ANALYSER" counts "$DB" --by channel --format csv --no-suppress
expect_rc "counts --by channel" 0
expect_err "--no-suppress warns" "do not publish this"
expect_out "csv header" "theme,theme_label,level,channel,channel_label,respondents_mentioning,respondents,percent"
for ch in online paper easy-read-paper; do
	expect_eq "parking by channel $ch" "$(csv_cell PARK "$ch")" "$(sql_resp "a.value LIKE '%park%' AND r.channel = '$ch'")"
done
expect_eq "respondents by channel" "$(csv_base '(any)' paper)" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE channel = 'paper'")"
run "$ANALYSER" counts "$DB" --by form --format csv --no-suppress
expect_eq "buses on Easy Read forms" "$(csv_cell BUS easy-read)" "$(sql_resp "a.value LIKE '%bus%' AND r.form_variant = 'easy-read'")"
run "$ANALYSER" counts "$DB" --by question --format csv --no-suppress
expect_eq "parking under UEC-BETTER" "$(csv_cell PARK UEC-BETTER)" "$(sql_resp "a.value LIKE '%park%' AND q.code = 'UEC-BETTER'")"
expect_eq "kind staff under MH-WELL" "$(csv_cell KIND MH-WELL)" "$(sql_resp "a.value LIKE '%kind%' AND q.code = 'MH-WELL'")"
expect_eq "who answered UEC-BETTER" "$(csv_base '(any)' UEC-BETTER)" \
	"$(sql_resp "q.code = 'UEC-BETTER' AND a.state = 'answered' AND length(a.value) > 0")"
# An Easy Read answer counts under the standard question it stands for.
er=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id WHERE q.code = 'UEC-WELL' AND a.source_question_id IS NOT NULL")
[ "$er" -gt 0 ] && ok "Easy Read answers stored under UEC-WELL ($er)" || fail "no Easy Read answers under UEC-WELL"
run "$ANALYSER" counts "$DB" --by polarity --format csv --no-suppress
expect_eq "kind staff in what works well" "$(csv_cell KIND works-well)" \
	"$(sql_resp "a.value LIKE '%kind%' AND coalesce((SELECT s.polarity FROM question s WHERE s.id = q.maps_to), q.polarity) = 'works-well'")"
run "$ANALYSER" counts "$DB" --by age --format csv --no-suppress
expect_rc "counts --by a demographic question" 0
expect_out "demographic header" "theme,theme_label,level,AGE,AGE_label,"
age_sql() { sql_resp "a.value LIKE '%park%' AND r.id IN (SELECT d.response_id FROM answer d JOIN question_option o ON o.id = d.option_id JOIN question dq ON dq.id = d.question_id WHERE dq.code = 'AGE' AND o.code = '$1')"; }
expect_eq "parking among 65-74" "$(csv_cell PARK 65-74)" "$(age_sql 65-74)"
expect_eq "parking, age not given" "$(csv_cell PARK '(unknown)')" \
	"$(sql_resp "a.value LIKE '%park%' AND r.id NOT IN (SELECT d.response_id FROM answer d JOIN question dq ON dq.id = d.question_id WHERE dq.code = 'AGE' AND d.option_id IS NOT NULL)")"
run "$ANALYSER" counts "$DB" --by district,channel --format csv --no-suppress
expect_rc "crosstab" 0
code=$(sqlite3 "$DB" "SELECT district_code FROM exercise_district ORDER BY position LIMIT 1 OFFSET 8")
expect_eq "crosstab cell" "$(csv_cell KIND "$code" online)" "$(sql_resp "a.value LIKE '%kind%' AND r.district_code = '$code' AND r.channel = 'online'")"
expect_eq "crosstab margin" "$(csv_cell KIND '(all)' online)" "$(sql_resp "a.value LIKE '%kind%' AND r.channel = 'online'")"
run "$ANALYSER" counts "$DB" --by district,channel --theme park
expect_rc "crosstab table" 0
expect_out "crosstab title" "Parking (PARK) by District and Channel"
expect_out "crosstab respondents" "Respondents by District and Channel"
run "$ANALYSER" counts "$DB" --theme ACCESS
case "$out" in *"Kind staff"*) fail "--theme shows other themes" ;; *"  Parking"*) ok "--theme shows the theme and its sub-themes" ;; *) fail "--theme lost its sub-themes" "$out" ;; esac

# --- machine formats -----------------------------------------------------------
run "$ANALYSER" counts "$DB" --format json
expect_rc "json" 0
printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["suppression"]["threshold"] == 8 and d["cells"]' \
	&& ok "json parses, suppression on by default" || fail "json does not parse" "$out"
run "$ANALYSER" counts "$DB" --by channel --format xml
expect_rc "xml" 0
printf '%s' "$out" | python3 -c 'import sys, xml.etree.ElementTree as E; r=E.fromstring(sys.stdin.read()); assert r.find("suppression") is not None and r.findall("cell")' \
	&& ok "xml parses, suppression on by default" || fail "xml does not parse" "$out"

# --- disclosure control --------------------------------------------------------
run "$ANALYSER" counts "$DB" --format csv
expect_rc "suppressed csv" 0
printf '%s\n' "$out" | python3 -c '
import csv, sys
rows = list(csv.reader(sys.stdin))[1:]
shown = [int(r[-3]) for r in rows if r[-3] != "*"] + [int(r[-2]) for r in rows if r[-2] != "*"]
assert all(v % 5 == 0 for v in shown), "a shown count is not a multiple of 5"
assert any(r[-3] == "*" for r in rows), "nothing hidden"
# A theme row (or a district column) never has exactly one hidden cell.
from collections import defaultdict
line = defaultdict(int)
for r in rows:
    if r[-3] == "*":
        line["row", r[0]] += 1
        line["col", r[3]] += 1
bad = [k for k, n in line.items() if n == 1]
assert not bad, bad
' && ok "published counts: multiples of 5, no line with a single hidden cell" || fail "suppression broken" "$out"
raw=$(sqlite3 "$DB" "SELECT count(DISTINCT r.id) FROM response r JOIN answer a ON a.response_id = r.id JOIN question q ON q.id = a.question_id WHERE q.type = 'free-text' AND a.value LIKE '%park%' AND r.channel = 'paper'")
run "$ANALYSER" counts "$DB" --by channel --format csv --threshold 2 --rounding 1
expect_eq "threshold 2, rounding 1: exact" "$(csv_cell PARK paper)" "$raw"
# A threshold that hides nothing publishes the raw counts: only when said.
for f in csv json xml; do
	for t in 0 1; do
		run "$ANALYSER" counts "$DB" --by channel --format $f --threshold $t --rounding 1
		expect_rc "$f --threshold $t --rounding 1 refused" 2
		expect_err "$f --threshold $t refused" "--threshold $t hides no count, so the $f would publish counts as they are"
		[ -z "$out" ] && ok "$f --threshold $t: nothing written" || fail "$f --threshold $t wrote" "$out"
	done
done
run "$ANALYSER" counts "$DB" --by channel --format csv --threshold 0 --rounding 1 --no-suppress
expect_rc "--threshold 0 with --no-suppress" 0
expect_eq "--no-suppress: exact" "$(csv_cell PARK paper)" "$raw"
expect_err "--no-suppress warns" "do not publish this"
run "$ANALYSER" counts "$DB" --by channel --threshold 0 --rounding 1
expect_rc "the table on screen takes --threshold 0" 0
run "$ANALYSER" counts "$DB" --by channel --suppress --threshold 1000 --rounding 1
expect_out "threshold 1000 hides everything" "*"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/counts.csv"
expect_rc "counts --output" 0
expect_eq "--output is private" "$(stat -c %a "$TMP/counts.csv")" 600
expect_eq "--output holds the csv" "$(cat "$TMP/counts.csv")" "$("$ANALYSER" counts "$DB" --format csv)"

# --- bad counts command lines ------------------------------------------------
run "$ANALYSER" counts "$DB" --by colour
expect_rc "unknown dimension" 2
expect_err "unknown dimension" "cannot count by 'colour'"
run "$ANALYSER" counts "$DB" --by district,channel,form
expect_rc "three dimensions" 2
expect_err "three dimensions" "one or two dimensions"
run "$ANALYSER" counts "$DB" --by channel,channel
expect_rc "the same dimension twice" 2
run "$ANALYSER" counts "$DB" --format pdf
expect_rc "unknown format" 2
run "$ANALYSER" counts "$DB" --theme NOPE
expect_rc "unknown theme" 2
expect_err "unknown theme" "no theme 'NOPE'"
run "$ANALYSER" counts "$DB" --threshold -3
expect_rc "bad threshold" 2
run "$ANALYSER" counts "$DB" --output /nonexistent/dir/x.csv
expect_rc "unwritable output" 3
expect_err "unwritable output" "cannot create /nonexistent/dir/x.csv"

# --- untagged and explain ----------------------------------------------------
run "$ANALYSER" untagged "$DB"
expect_rc "untagged" 0
untagged=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id WHERE q.type = 'free-text' AND a.value IS NOT NULL AND NOT EXISTS (SELECT 1 FROM tag t WHERE t.answer_id = a.id)")
expect_out "untagged" "$untagged of "
case "$(printf '%s\n' "$out" | grep -ci -E '	.*(park|bus|kind)')" in 0) ok "untagged lists nothing the rules find" ;; *) fail "untagged lists tagged words" ;; esac
run "$ANALYSER" untagged "$DB" --limit 2 --question UEC-WELL
expect_eq "untagged --limit" "$(printf '%s\n' "$out" | grep -c '	UEC-WELL	')" 2
rid=$(sqlite3 "$DB" "SELECT a.response_id FROM tag_detail a WHERE theme = 'PARK' LIMIT 1")
run "$ANALYSER" explain "$DB" "$rid"
expect_rc "explain" 0
expect_out "explain" "PARK (Parking): rule PARK/1 matched"
case "$out" in *"[["[Pp]ark"]]"*) ok "explain marks the words" ;; *) fail "explain marks no words" "$out" ;; esac
run "$ANALYSER" explain "$DB" nobody
expect_rc "explain unknown response" 2
expect_err "explain unknown response" "there is no response 'nobody'"

# --- changed rules replace the old tags -----------------------------------
sed 's/<include>kind<\/include>/<include>brilliant<\/include>/; s/the nurses were so kind/brilliant nurses/' "$R" >"$TMP/changed.rules.xml"
run "$ANALYSER" tag "$DB" "$TMP/changed.rules.xml"
expect_rc "changed rules" 0
expect_eq "one rule set" "$(sqlite3 "$DB" "SELECT count(*) FROM ruleset")" 1
expect_eq "old tags gone" "$(sqlite3 "$DB" "SELECT count(*) FROM tag_detail WHERE lower(matched) = 'kind'")" 0
expect_eq "old themes gone" "$(sqlite3 "$DB" "SELECT count(*) FROM theme h LEFT JOIN ruleset s ON s.id = h.ruleset_id WHERE s.id IS NULL OR s.sha256 <> (SELECT sha256 FROM ruleset)")" 0
expect_eq "changed rules: foreign keys hold" "$(sqlite3 "$DB" "PRAGMA foreign_key_check")" ""

finish
