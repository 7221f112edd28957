#!/usr/bin/env bash
# End-to-end: typed-value questions (number, date, short-text) stored typed
# and never tagged, and a mapping's number ranges and number words.
# usage: typed_values.sh COLLECTOR ANALYSER   (TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
F=$TALLY_FIXTURES/typed
DB=$TMP/survey.db

run "$COLLECTOR" init "$DB" "$F/exercise.xml"
expect_rc "init with number, date and short-text questions" 0
expect_out "init counts the derived question apart" "6 standard questions and 1 derived, 3 Easy Read questions"
run "$COLLECTOR" status "$DB"
expect_out "status counts the questions a form asks, not the derived one" "(main, 6 questions)"
q() { sqlite3 "$DB" "$1"; }
# The stored answers to question CODE, one per response: id|option or value.
answers() {
	q "SELECT coalesce(r.external_id, r.serial) || '|' || coalesce(o.code, a.value)
	   FROM answer a JOIN response r ON a.response_id = r.id
	   JOIN question qu ON a.question_id = qu.id
	   LEFT JOIN question_option o ON a.option_id = o.id
	   WHERE qu.code = '$1' AND a.state = 'answered' ORDER BY r.id" | tr '\n' ' '
}
expect_eq "the types are stored" \
	"$(q "SELECT group_concat(code || '=' || type, ' ') FROM (SELECT code, type FROM question
	      WHERE type IN ('number', 'date', 'short-text') ORDER BY id)")" \
	"AGE-YEARS=number VISIT=date ORG=short-text ER-ORG=short-text ER-VISIT=date"

# A derived question: reloading without the derived question and its source, then with them again.
run "$COLLECTOR" init "$DB" "$F/exercise-less.xml"
expect_rc "a derived question removed with its source" 0
expect_eq "removed" "$(q "SELECT count(*) FROM question WHERE code LIKE '%AGREE%'") $(q "SELECT count(*) FROM option_group")" "0 0"
run "$COLLECTOR" init "$DB" "$F/exercise.xml"
expect_rc "and added again" 0
expect_eq "added again, with its groups" "$(q "SELECT count(*) FROM option_group")" 5

# --- import ----------------------------------------------------------------
run "$COLLECTOR" import "$DB" "$F/online.csv" --map "$F/online.map.xml"
expect_rc "import: the rows that do not fit are rejected" 1
expect_out "import counts" "9 read, 4 imported, 5 rejected"
expect_eq "numbers: digits, words, LimeSurvey's decimals" "$(answers AGE-YEARS)" \
	"test:T1|26 test:T2|26 test:T3|120 test:T4|45 "
expect_eq "ages onto bands: a number, words, a label" "$(answers AGE)" \
	"test:T1|25-34 test:T2|25-34 test:T3|65-plus test:T4|prefer-not "
expect_eq "dates stored YYYY-MM-DD" "$(answers VISIT)" \
	"test:T1|2019-06-05 test:T2|2019-06-13 test:T4|2019-06-20 "
expect_eq "short text stored as written" "$(answers ORG)" \
	"test:T1|Parkside Surgery Patient Group test:T3|Parkside Carers "
expect_err "a number in no range" "online.csv:6: column 'Age': the number is in no range of question 'AGE'"
expect_err "not a number" "online.csv:7: column 'Age in years': the value is not a number (digits, or words such as 'twenty six') for question 'AGE-YEARS'"
expect_err "a date that reads two ways" "online.csv:8: column 'Date of visit': the date can be read as two different days"
expect_err "a short text too long" "online.csv:9: column 'Organisation': a short-text answer is at most 200 characters, and this one has 204 (question 'ORG')"
expect_err "neither an option nor a number" "online.csv:10: column 'Age': the value is not an option of question 'AGE'"
case "$err" in
*17.5* | *"26 years"* | *05/06/2019* | *lots*) fail "a rejection repeats what was written" "$err" ;;
*) ok "rejections do not repeat what was written" ;;
esac

# Ranges refused at load, with the mapping's line.
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" import "$DB" "$F/online.csv" --map "$F/overlap.map.xml"
expect_rc "overlapping ranges" 1
expect_err "overlapping ranges" "overlap.map.xml:6: range of question 'AGE' overlaps the range on line 5"
run "$COLLECTOR" import "$DB" "$F/online.csv" --map "$F/gap.map.xml"
expect_rc "a gap between ranges" 1
expect_err "a gap between ranges" "gap.map.xml:6: range of question 'AGE' leaves a gap after the range on line 5"
run "$COLLECTOR" import "$DB" "$F/online.csv" --map "$F/unknown-option.map.xml"
expect_rc "a range onto no option" 1
expect_err "a range onto no option" "unknown-option.map.xml:6: question 'AGE' has no option '25-to-34' for the range"
run "$COLLECTOR" import "$DB" "$F/online.csv" --map "$F/range-on-number.map.xml"
expect_rc "a range on a number question" 1
expect_err "a range on a number question" "range-on-number.map.xml:5: question 'AGE-YEARS' is number: a range maps a number onto one option"
expect_eq "refused mappings stored nothing" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

# --- typed entry: the same checks ------------------------------------------
run "$COLLECTOR" enter "$DB" --event LE-CAN-1 --officer "Jo Bloggs" --from "$F/entry-good.csv"
expect_rc "entry of typed values" 0
expect_eq "entry: number words and digits" "$(answers AGE-YEARS | tr ' ' '\n' | grep '^E-' | tr '\n' ' ')" "E-1|26 E-2|71 "
expect_eq "entry: dates day first or ISO" "$(answers VISIT | tr ' ' '\n' | grep '^E-' | tr '\n' ' ')" "E-1|2019-06-05 E-2|2019-06-21 "
expect_eq "entry: short text" "$(q "SELECT a.value FROM answer a JOIN response r ON r.id = a.response_id
	JOIN question qu ON qu.id = a.question_id WHERE r.serial = 'E-1' AND qu.code = 'ORG'")" "Parkside Carers"
run "$COLLECTOR" enter "$DB" --event LE-CAN-1 --officer "Jo Bloggs" --from "$F/entry-bad.csv"
expect_rc "entry of values that do not fit" 1
expect_err "entry: not a number" "entry-bad.csv:2: AGE-YEARS: that is not a number"
expect_err "entry: not a date" "entry-bad.csv:3: VISIT: that is not a date"
expect_err "entry: too long" "entry-bad.csv:4: ORG: that does not fit this question: a short-text answer is at most 200 characters"

# --- tagging reads free text only ------------------------------------------
run "$ANALYSER" tag "$DB" "$F/rules.xml"
expect_rc "tag" 0
expect_eq "only free-text answers are tagged" \
	"$(q "SELECT group_concat(DISTINCT qu.code) FROM tag t JOIN answer a ON a.id = t.answer_id
	      JOIN question qu ON qu.id = a.question_id")" "FEEDBACK"
expect_eq "the free-text answers with 'park' are" \
	"$(q "SELECT count(*) FROM tag t JOIN theme h ON h.id = t.theme_id WHERE h.code = 'PARK'")" 2
expect_eq "numbers and dates are not tagged" \
	"$(q "SELECT count(*) FROM tag t JOIN theme h ON h.id = t.theme_id WHERE h.code = 'NUMBER'")" 0

# --- a derived question: five points coarsened to three, Easy Read onto it ----
run "$COLLECTOR" init "$TMP/bad.db" "$F/derived-bad.xml"
expect_rc "derived questions that do not fit" 1
expect_err "an option in two groups" "derived-bad.xml:26: option 'agree' of 'AGREE5' is in two groups of derived question 'AGREE3'"
expect_err "a group naming no option" "derived-bad.xml:27: group 'disagree' of derived question 'AGREE3' names 'strongly-disagre', which is not an option of 'AGREE5'"
expect_err "an option in no group" "derived-bad.xml:23: derived question 'AGREE3' leaves option 'strongly-disagree' of 'AGREE5' in no group"
expect_err "derived from free text" "derived-bad.xml:29: derived question 'FEEDBACK2' is derived from 'FEEDBACK', which is not a single-choice or demographic question"
run "$COLLECTOR" enter "$DB" --event LE-CAN-1 --officer "Jo Bloggs" --questions
expect_out "the paper form has the five points" "AGREE5"
case "$out" in *AGREE3*) fail "a derived question is on no paper form" "$out" ;; *) ok "a derived question is on no paper form" ;; esac

run "$COLLECTOR" import "$DB" "$F/derived-online.csv" --map "$F/derived-online.map.xml"
expect_rc "online five-point answers" 0
run "$COLLECTOR" import "$DB" "$F/derived-easy-read.csv" --map "$F/derived-easy-read.map.xml"
expect_rc "Easy Read three-point answers" 0
expect_eq "online answers keep their five points" "$(answers AGREE5)" \
	"test:D1|strongly-agree test:D2|agree test:D3|strongly-disagree test:D4|neither "
expect_eq "Easy Read answers are stored on the derived question" "$(answers AGREE3)" \
	"er:R1|agree er:R2|agree er:R3|not-sure "
expect_eq "both counted in the derived question" \
	"$(q "SELECT group_concat(code || '=' || n, ' ') FROM (SELECT o.code, count(*) AS n
	      FROM counted_answer c JOIN question qu ON qu.id = c.question_id
	      JOIN question_option o ON o.id = c.option_id WHERE qu.code = 'AGREE3'
	      GROUP BY o.code ORDER BY o.position)")" "agree=4 not-sure=2 disagree=1"
run "$ANALYSER" tag "$DB" "$F/rules.xml"
run "$ANALYSER" counts "$DB" --by AGREE3 --format csv --no-suppress
expect_rc "counts by the derived question" 0
expect_eq "counts by the derived question: respondents in each group" \
	"$(printf '%s\n' "$out" | awk -F, '$1 == "(any)" { printf "%s=%s ", $4, $7 }')" \
	"agree=4 not-sure=2 disagree=1 (unknown)=6 (all)=13 "
run "$ANALYSER" counts "$DB" --by AGREE5 --format csv --no-suppress
expect_eq "counts by the five points: online respondents only" \
	"$(printf '%s\n' "$out" | awk -F, '$1 == "(any)" && $7 > 0 { printf "%s=%s ", $4, $7 }')" \
	"strongly-agree=1 agree=1 neither=1 strongly-disagree=1 (unknown)=9 (all)=13 "

# Answers stored on the derived question (Easy Read) keep it.
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" init "$DB" "$F/exercise-less.xml"
expect_rc "a derived question with answers is kept" 1
expect_eq "nothing removed" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

finish
