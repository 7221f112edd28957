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

# --- tag -------------------------------------------------------------------
run "$ANALYSER" counts "$DB"
expect_rc "counts before tagging" 2
expect_err "counts before tagging" "nothing is tagged yet"
run "$ANALYSER" tag "$DB" "$R"
expect_rc "tag" 0
expect_out "tag" "4 themes:"
tags=$(sqlite3 "$DB" "SELECT count(*) FROM tag")
[ "$tags" -gt 0 ] && ok "tags written ($tags)" || fail "no tags written"
# Every tag's span holds the word its theme looks for.
expect_eq "spans hold the matched words" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM tag_detail WHERE lower(matched) NOT IN ('park', 'bus', 'kind')")" 0
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$ANALYSER" tag "$DB" "$R"
expect_out "tag again" "already in use; 0 new answers read, 0 tags added ($tags tags in all)"
expect_eq "tag again changes nothing" "$(sqlite3 "$DB" "SELECT count(*) FROM tag")" "$tags"
# New answers since: only they are read.
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
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

finish
