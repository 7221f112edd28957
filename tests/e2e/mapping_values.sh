#!/usr/bin/env bash
# End-to-end: a mapping's fixed values (<fixed>) and the cells it reads as no
# answer (<no-answer>, no-answer="..."), as stored, and the mappings refused.
# usage: mapping_values.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES/import
DB=$TMP/survey.db

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0
q() { sqlite3 "$DB" "$1"; }
# The answers to question CODE (standard questionnaire), one line per response: serial|option or value.
answers() {
	q "SELECT r.serial || '|' || coalesce(o.code, a.value) FROM answer a
	   JOIN response r ON a.response_id = r.id JOIN question qu ON a.question_id = qu.id
	   LEFT JOIN question_option o ON a.option_id = o.id
	   WHERE qu.code = '$1' ORDER BY r.serial, o.code" | tr '\n' ' '
}

# --- a fixed value: the Easy Read export never asked RESPONDENT --------------
run "$COLLECTOR" import "$DB" "$F/fixed-easy-read.csv" --map "$F/fixed-easy-read.map.xml"
expect_rc "fixed value imported" 0
expect_out "fixed value imported" "3 read, 3 imported, 0 rejected"
expect_eq "every response has the fixed answer" "$(answers RESPONDENT)" "F-1|public F-2|public F-3|public "
expect_eq "the mapped question is still read" "$(answers UEC-SAT)" "F-1|satisfied F-2|neither "
expect_eq "the fixed answer is on the standard question, from no Easy Read one" \
	"$(q "SELECT count(*) FROM answer a JOIN question qu ON a.question_id = qu.id
	      JOIN questionnaire n ON qu.questionnaire_id = n.id
	      WHERE qu.code = 'RESPONDENT' AND n.variant = 'standard' AND a.source_question_id IS NULL")" 3

before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" import "$DB" "$F/fixed-easy-read.csv" --map "$F/fixed-bad.map.xml"
expect_rc "a fixed value that is no option" 1
expect_err "a fixed value that is no option" "fixed-bad.map.xml:6: the fixed value of question 'RESPONDENT': the value is not an option of question 'RESPONDENT'"
expect_eq "refused before any record" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

run "$COLLECTOR" import "$DB" "$F/fixed-easy-read.csv" --map "$F/fixed-and-mapped.map.xml"
expect_rc "fixed and mapped" 1
expect_err "fixed and mapped" "fixed-and-mapped.map.xml:6: question 'DIGI-VIDEO' has a fixed value and is also mapped (line 5)"
expect_eq "fixed and mapped: nothing stored" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

# --- no-answer values ----------------------------------------------------------
run "$COLLECTOR" import "$DB" "$F/no-answer.csv" --map "$F/no-answer.map.xml"
expect_rc "no-answer: the one undeclared value rejects its row" 1
expect_out "no-answer counts" "6 read, 5 imported, 1 rejected"
expect_out "no-answer summary" "8 cells read as no answer"
expect_err "the undeclared value" "column 'Video': the value is not an option of question 'DIGI-VIDEO'"
expect_eq "video: n/a, none, -, 999 are no answer" "$(answers DIGI-VIDEO)" "N-1|yes "
expect_eq "ideas: its own no-answer value, any case; n/a is not one of its" \
	"$(answers DIGI-IDEAS)" "N-1|More evening slots N-5|n/a "
expect_eq "ticks: 999 is not ticked" "$(answers SERVICES)" "N-1|gp N-2|pharmacy N-4|gp "
expect_eq "no answer stored as an empty cell is: no row" \
	"$(q "SELECT count(*) FROM answer a JOIN response r ON a.response_id = r.id WHERE r.serial = 'N-3'")" 0
expect_eq "the response with only no answers is kept" \
	"$(q "SELECT count(*) FROM response WHERE serial = 'N-3'")" 1

# A mapping-wide value that names an option is that option; a question's own may not name one.
run "$COLLECTOR" import "$DB" "$F/no-answer-option.csv" --map "$F/no-answer-option.map.xml"
expect_rc "no-answer that is an option" 0
expect_out "no-answer that is an option: counted" "2 cells read as no answer"
expect_eq "'none' is the option where there is one" "$(answers SERVICES | sed 's/N-[0-9]|[a-z]* //g')" \
	"O-1|none O-2|gp O-2|pharmacy "
expect_eq "'none' is no answer where it is not an option" \
	"$(q "SELECT count(*) FROM answer a JOIN response r ON a.response_id = r.id
	      JOIN question qu ON a.question_id = qu.id WHERE r.serial LIKE 'O-%' AND qu.code = 'DIGI-VIDEO'")" 0
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" import "$DB" "$F/no-answer-option.csv" --map "$F/no-answer-is-option.map.xml"
expect_rc "a question's no-answer value that is its option" 1
expect_err "a question's no-answer value that is its option" \
	"no-answer-is-option.map.xml:5: the no-answer value 'Maybe' of question 'DIGI-VIDEO' names one of its options"
expect_eq "no-answer that is an option: nothing stored" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

finish
