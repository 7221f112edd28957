#!/usr/bin/env bash
# End-to-end: grids, question routing and ODK repeat groups (mapping
# <grid>, <route>, <repeat>), on the fixtures in real tools' layouts
# (tests/fixtures/real/): SurveyMonkey matrix and ranking, Google Forms grid,
# LimeSurvey 6 and 2.x arrays, a Kobo household repeat, an NHS Friends and
# Family Test extract. Rows and cells are counted independently (python3);
# imported + rejected + duplicates + skipped = rows, every mapped cell arrives.
# usage: shapes.sh COLLECTOR   (TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
R=$TALLY_FIXTURES/real
. "$(dirname "$0")/counted.sh"
# fresh NAME: a new database for NAME, in DB
fresh() {
	DB=$TMP/$1.db
	run "$COLLECTOR" init "$DB" "$R/exercise.xml"
	expect_rc "$1: init" 0
}
# stored: every answer of the database, without ids that differ between databases
stored() {
	q "SELECT coalesce(r.external_id, r.submitted_at), qu.code, coalesce(o.code, ''), coalesce(a.value, '')
	   FROM answer a JOIN response r ON r.id = a.response_id JOIN question qu ON qu.id = a.question_id
	   LEFT JOIN question_option o ON o.id = a.option_id ORDER BY 1, 2, 3, 4"
}

# --- Google Forms grid: one line, rows are the questions whose text they are ---
F=$R/google-forms.csv
fresh gf-columns
run "$COLLECTOR" import "$DB" "$F" --map "$R/google-forms.map.xml"
by_column=$(stored)
fresh gf-grid
run "$COLLECTOR" import "$DB" "$F" --map "$R/google-forms-grid.map.xml"
expect_rc "google grid: the row that names no service option is rejected" 1
accounted "google grid" "$($ROWS rows "$F")"
for f in "[GP practice]:SAT-GP" "[Pharmacy]:SAT-PHARM" "[NHS 111]:SAT-111"; do
	arrived "google grid" "$F" "How satisfied are you with each service? ${f%:*}" "${f##*:}"
done
expect_eq "google grid: stores what three <question> lines store" "$(stored)" "$by_column"
case "$err" in *"not in the mapping"*) fail "google grid: a grid row reported as unmapped" "$err" ;;
	*) ok "google grid: no grid row reported as unmapped" ;; esac

# a grid row the mapping ignores is not part of the grid, and is not reported
sed 's|</mapping>|<ignore field="How satisfied are you with each service? [NHS 111]"/></mapping>|' \
	"$R/google-forms-grid.map.xml" >"$TMP/gf-ignore-row.map.xml"
fresh gf-ignore-row
run "$COLLECTOR" import "$DB" "$F" --map "$TMP/gf-ignore-row.map.xml"
accounted "google grid, a row ignored" "$($ROWS rows "$F")"
expect_eq "google grid, a row ignored: not stored" \
	"$(q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id WHERE qu.code = 'SAT-111'")" 0
arrived "google grid, a row ignored" "$F" "How satisfied are you with each service? [Pharmacy]" SAT-PHARM
case "$err" in *"not in the mapping"*) fail "google grid, a row ignored: reported" "$err" ;;
	*) ok "google grid, a row ignored: not reported as unmapped" ;; esac

# --- SurveyMonkey: two header rows, a matrix and a ranking ---------------------
F=$R/surveymonkey.csv
fresh surveymonkey
run "$COLLECTOR" import "$DB" "$F" --map "$R/surveymonkey.map.xml"
expect_rc "surveymonkey: a rank that is no number" 1
accounted "surveymonkey" "$($ROWS rows "$F" --header-rows 2)"
expect_out "surveymonkey" "5 read, 4 imported, 1 rejected"
expect_err "surveymonkey: the rank, by column" \
	"surveymonkey.csv:6: column 'Put these in order of importance to you / GP practice': the rank is not a whole number from 1 to 3"
for f in "GP practice:SAT-GP" "Pharmacy:SAT-PHARM" "NHS 111:SAT-111"; do
	arrived "surveymonkey" "$F" "How satisfied are you with each service? / ${f%:*}" "${f##*:}" --header-rows 2
done
arrived "surveymonkey" "$F" "Are you responding as..." RESPONDENT --header-rows 2
arrived "surveymonkey" "$F" "What could be better?" EXPERIENCE --header-rows 2
for f in "GP practice, including online appointments:gp" "Pharmacy:pharmacy" \
	"NHS 111, by phone or online:nhs-111" "A&E:a-and-e"; do
	arrived_option "surveymonkey" "$F" "Which services have you used? / ${f%:*}" SERVICES "${f##*:}" --header-rows 2
done
for f in "GP practice:gp" "Pharmacy:pharmacy" "NHS 111:nhs-111"; do
	arrived_option "surveymonkey ranking" "$F" "Put these in order of importance to you / ${f%:*}" RANK "${f##*:}" --header-rows 2
done
expect_eq "surveymonkey: ranks stored with their items" "$(answers_of_batch RANK)" \
	"surveymonkey:11400000001=gp:1 surveymonkey:11400000001=nhs-111:2 surveymonkey:11400000001=pharmacy:3 surveymonkey:11400000002=gp:2 surveymonkey:11400000002=nhs-111:3 surveymonkey:11400000002=pharmacy:1 surveymonkey:11400000005=gp:3 surveymonkey:11400000005=nhs-111:1 surveymonkey:11400000005=pharmacy:2"
expect_eq "surveymonkey: matrix rows as their own questions" \
	"$(answers_of surveymonkey:11400000002 SAT-GP) $(answers_of surveymonkey:11400000002 SAT-PHARM) $(answers_of surveymonkey:11400000002 SAT-111)" \
	"neither satisfied satisfied"

# a ranking with a rank twice, and a grid whose rows are taken by another grid
sed 's/^11400000003,\(.*\),,,,Nothing to add/11400000003,\1,2,2,,Nothing to add/' "$F" >"$TMP/sm-ties.csv"
fresh sm-ties
run "$COLLECTOR" import "$DB" "$TMP/sm-ties.csv" --map "$R/surveymonkey.map.xml"
expect_err "surveymonkey: a rank given twice" \
	"sm-ties.csv:5: grid 'Put these in order of importance to you': two items have rank 2"
accounted "surveymonkey ties" "$($ROWS rows "$TMP/sm-ties.csv" --header-rows 2)"
sed 's/question="RANK" cells="rank"//' "$R/surveymonkey.map.xml" >"$TMP/sm-rows-twice.map.xml"
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" import "$DB" "$F" --map "$TMP/sm-rows-twice.map.xml"
expect_rc "a question answered by two grids' rows" 1
expect_err "a question answered by two grids' rows" \
	"question 'SAT-GP' is answered by two grid rows: 'How satisfied are you with each service? / GP practice' and 'Put these in order of importance to you / GP practice'"
expect_eq "refused: nothing stored" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"

# a row that is the text of two questions is not guessed
sed '/code="SAT-PHARM"/,/<\/text>/s|<text>Pharmacy</text>|<text>GP practice</text>|' "$R/exercise.xml" >"$TMP/two-texts.xml"
DB=$TMP/two-texts.db
run "$COLLECTOR" init "$DB" "$TMP/two-texts.xml"
run "$COLLECTOR" import "$DB" "$R/google-forms.csv" --map "$R/google-forms-grid.map.xml"
expect_rc "a grid row that is two questions' text" 1
expect_err "a grid row that is two questions' text" \
	"grid 'How satisfied are you with each service?''s row 'GP practice' is the code or text of two questions, 'SAT-GP' and 'SAT-PHARM'"
expect_eq "a grid row that is two questions' text: nothing stored" "$(q "SELECT count(*) FROM response")" 0

# --- LimeSurvey 6 and 2.x arrays: one grid each --------------------------------
for v in limesurvey6 limesurvey2 limesurvey2-sgqa; do
	F=$R/$v.csv
	fresh "$v-columns"
	run "$COLLECTOR" import "$DB" "$F" --map "$R/$v.map.xml"
	by_column=$(stored)
	fresh "$v-array"
	run "$COLLECTOR" import "$DB" "$F" --map "$R/$v-array.map.xml"
	accounted "$v array" "$($ROWS rows "$F")"
	expect_eq "$v array: stores what one <question> per row stores" "$(stored)" "$by_column"
	[ -n "$by_column" ] && ok "$v array: answers stored" || fail "$v array: nothing stored"
done
# a row that names no question: refused with the line to add
printf '<mapping exercise="real-2026" format="csv">\n<response-id field="id"/>\n<grid field="G01Q02"/>\n</mapping>\n' >"$TMP/ls-no-rows.map.xml"
fresh ls-no-rows
before=$(sha256sum "$DB" | cut -d' ' -f1)
run "$COLLECTOR" import "$DB" "$R/limesurvey6.csv" --map "$TMP/ls-no-rows.map.xml"
expect_rc "a grid row that names no question" 1
expect_err "a grid row that names no question" \
	"limesurvey6.csv: grid 'G01Q02' ($TMP/ls-no-rows.map.xml:3) has a row 'SQ001' that is no question of the exercise: add <row sub=\"SQ001\" question=\"...\"/>"
expect_eq "refused: nothing stored" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"
printf '<mapping exercise="real-2026" format="csv">\n<grid field="G09Q09"/>\n</mapping>\n' >"$TMP/ls-no-grid.map.xml"
run "$COLLECTOR" import "$DB" "$R/limesurvey6.csv" --map "$TMP/ls-no-grid.map.xml"
expect_rc "a grid the export does not have" 1
expect_err "a grid the export does not have" \
	"limesurvey6.csv: no column is a row of grid 'G09Q09', but the mapping ($TMP/ls-no-grid.map.xml:2) names it"

# --- Kobo: one answer per household member -------------------------------------
F=$R/kobo-household/instances
fresh kobo
run "$COLLECTOR" import "$DB" "$F" --map "$R/kobo-household-each.map.xml" --xform "$R/kobo-household/form.xml"
expect_rc "kobo each: one member's age is no option, one record encrypted" 1
accounted "kobo each" "$($ROWS rows "$F")"
expect_out "kobo each" "6 read, 3 imported, 2 rejected"
expect_out "kobo each: the edit replaces its original" "1 skipped: replaced by a later edit"
expect_err "kobo each: the bad member's field" \
	"06.xml: record 6: column 'household/member/age_band': the value is not an option of question 'HH-AGE'"
# every member of the submissions kept: not the rejected ones, nor 01, replaced by its edit
for f in age_band:HH-AGE needs_care:HH-CARE; do
	expect_eq "kobo each: every household/member/${f%:*} arrived as an answer to ${f#*:}" \
		"$(q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id
		      JOIN response r ON r.id = a.response_id WHERE qu.code = '${f#*:}' AND r.batch_id = $last_batch")" \
		"$($ROWS cells "$F" "household/member/${f%:*}" --except "$(rejected_places) 1")"
done
arrived "kobo each" "$F" better EXPERIENCE --except "$(rejected_places) 1"
arrived "kobo each" "$F" postcode POSTCODE --except "$(rejected_places) 1"
expect_eq "kobo each: three members, three answers, in one response" \
	"$(answers_of kobo:uuid:6f0c1b8e-0003-4a00-9000-000000000003 HH-AGE)" "18-64 65-plus 65-plus"
expect_eq "kobo each: the edit's members" \
	"$(answers_of kobo:uuid:6f0c1b8e-0004-4a00-9000-000000000004 HH-CARE)" "no yes"
expect_eq "kobo each: one response per submission" \
	"$(q "SELECT count(*) FROM response WHERE batch_id = $last_batch")" 3

# --- NHS Friends and Family Test: question in one column, answer in the next ---
F=$R/fft.csv
fresh fft
run "$COLLECTOR" import "$DB" "$F" --map "$R/fft.map.xml"
expect_rc "fft: one wording routes nowhere" 1
accounted "fft" "$($ROWS rows "$F")"
expect_out "fft" "9 read, 8 imported, 1 rejected"
expect_err "fft: the wording that routes nowhere, by column" \
	"fft.csv:9: column 'Question': the value names no question: neither a <to match> of the route ($R/fft.map.xml:10) nor a question's code or text"
case "$err" in *pharmacy*) fail "fft: a message repeats the cell" "$err" ;; *) ok "fft: the cell is not repeated" ;; esac
expect_eq "fft: each answer under the question its row names" \
	"$(q "SELECT group_concat(v, ' ') FROM (SELECT r.external_id || '=' || qu.code || ':' || o.code v
	      FROM answer a JOIN response r ON r.id = a.response_id JOIN question qu ON qu.id = a.question_id
	      JOIN question_option o ON o.id = a.option_id WHERE qu.code LIKE 'FFT-%' ORDER BY v)")" \
	"fft:F-1001=FFT-GP:very-good fft:F-1002=FFT-AE:poor fft:F-1003=FFT-IP:good fft:F-1004=FFT-OP:neither fft:F-1005=FFT-MAT:very-good fft:F-1006=FFT-CH:dont-know fft:F-1007=FFT-GP:good"
expect_eq "fft: every answer cell of a row kept arrived" \
	"$(q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id WHERE qu.code LIKE 'FFT-%' AND qu.code <> 'FFT-WHY'")" \
	"$($ROWS cells "$F" Answer --except "$(rejected_places)")"
arrived "fft" "$F" "Why did you give that answer?" FFT-WHY
expect_eq "fft: a question with no answer keeps its response" \
	"$(q "SELECT count(*) FROM response WHERE external_id = 'fft:F-1009'")" 1
printf 'Response ID,Date,Site,Question,Answer,Why did you give that answer?\nF-2001,2026-02-15,Ward 7,,Good,\n' >"$TMP/fft-orphan.csv"
run "$COLLECTOR" import "$DB" "$TMP/fft-orphan.csv" --map "$R/fft.map.xml"
expect_err "fft: an answer with no question" \
	"fft-orphan.csv:2: column 'Answer': an answer with no question in column 'Question'"

# a grid's row question is not also reached by a route: found by its text it is not, named it is refused
printf 'Response ID,Question,Answer,Rate [GP practice]\nG-1,GP practice,Satisfied,Satisfied\nG-2,FFT-GP,Good,\n' >"$TMP/grid-route.csv"
printf '<mapping exercise="real-2026" format="csv">\n<response-id field="Response ID"/>\n<route field="Question" answer="Answer"/>\n<grid field="Rate"/>\n</mapping>\n' >"$TMP/grid-route.map.xml"
fresh grid-route
run "$COLLECTOR" import "$DB" "$TMP/grid-route.csv" --map "$TMP/grid-route.map.xml"
expect_out "grid and route" "2 read, 1 imported, 1 rejected"
expect_err "grid and route: the grid's question is not routed to" "grid-route.csv:2: column 'Question': the value names no question"
expect_eq "grid and route: the grid row and the route stored once each" "$(answers_of csv:G-2 FFT-GP) $(answers_of csv:G-2 SAT-GP)" "good "
sed 's|<route field="Question" answer="Answer"/>|<route field="Question" answer="Answer"><to match="GP" question="SAT-GP"/></route>|' \
	"$TMP/grid-route.map.xml" >"$TMP/grid-route-to.map.xml"
run "$COLLECTOR" import "$DB" "$TMP/grid-route.csv" --map "$TMP/grid-route-to.map.xml"
expect_rc "a grid row's question also routed" 1
expect_err "a grid row's question also routed" "question 'SAT-GP' is both grid 'Rate''s row 'GP practice'"

# --- messages never hold what a respondent wrote --------------------------------
MARK="Zelda-Quist-07700900$$"
fresh messages
printf 'Response ID,Date,Site,Question,Answer,Why did you give that answer?\nM-1,2026-02-15,Ward 7,%s,Good,\nM-2,2026-02-15,Ward 7,GP1,%s,\n' \
	"$MARK asked" "$MARK answered" >"$TMP/fft-marked.csv"
run "$COLLECTOR" import "$DB" "$TMP/fft-marked.csv" --map "$R/fft.map.xml"
all="$out$err"
sed "s/^11400000004,\(.*\),first,,,/11400000004,\1,$MARK,,,/" "$R/surveymonkey.csv" >"$TMP/sm-marked.csv"
run "$COLLECTOR" import "$DB" "$TMP/sm-marked.csv" --map "$R/surveymonkey.map.xml"
all="$all$out$err"
expect_eq "marked cells: both routed rows and the rank rejected" \
	"$(q "SELECT count(*) FROM reject WHERE instr(raw, '$MARK') > 0")" 3
case "$all" in *Zelda*|*07700900*) fail "a message repeats a respondent's words" "$all" ;;
	*) ok "no message repeats a respondent's words" ;; esac

finish
