#!/usr/bin/env bash
# End-to-end: the project's own fixtures in real tools' layouts
# (tests/fixtures/real/, written by make_fixtures.py): Google Forms with
# checkbox labels that hold ", ", LimeSurvey 6 and 2.x arrays, a KoboToolbox
# folder with a household repeat, an encrypted envelope and an edit, and a
# consultation platform's four XLSX exports. Each export's rows and cells are
# counted independently (export_rows.py: python3 csv/zipfile/xml); imported +
# rejected + duplicates must equal the rows, and every mapped cell of the rows
# kept must have arrived as an answer.
# usage: real_exports.sh COLLECTOR   (TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
R=$TALLY_FIXTURES/real
DB=$TMP/survey.db

run "$COLLECTOR" init "$DB" "$R/exercise.xml"
expect_rc "init" 0
. "$(dirname "$0")/counted.sh"

# --- Google Forms: checkbox labels holding ", " --------------------------------
F=$R/google-forms.csv
run "$COLLECTOR" import "$DB" "$F" --map "$R/google-forms.map.xml"
expect_rc "google forms: one answer names no option" 1
accounted "google forms" "$($ROWS rows "$F")"
expect_out "google forms" "7 read, 6 imported, 1 rejected"
expect_err "google forms: the unknown choice, by place, never by content" \
	"google-forms.csv:5: column 'Which services have you used?': choice 3 of the cell (split at ', ') is not an option of question 'SERVICES'"
case "$err" in *dentist*) fail "google forms: a message repeats the answer" "$err" ;; *) ok "google forms: the answer is not repeated" ;; esac
for f in "Are you responding as...:RESPONDENT" "Which services have you used?:SERVICES" \
	"What could be better?:EXPERIENCE" "How likely are you to recommend local services?:RECOMMEND" \
	"How satisfied are you with each service? [GP practice]:SAT-GP" \
	"How satisfied are you with each service? [Pharmacy]:SAT-PHARM" \
	"How satisfied are you with each service? [NHS 111]:SAT-111"; do
	arrived "google forms" "$F" "${f%:*}" "${f##*:}"
done
# labels with ", " found whole, longest first, in any order
expect_eq "google forms: two labels holding ', '" \
	"$(q "SELECT group_concat(o.code, ' ') FROM (SELECT o.code FROM answer a JOIN response r ON r.id = a.response_id
	      JOIN question_option o ON o.id = a.option_id JOIN question qu ON qu.id = a.question_id
	      WHERE qu.code = 'SERVICES' AND r.submitted_at LIKE '2026-01-17%' ORDER BY o.code) o")" \
	"a-and-e gp nhs-111 pharmacy"
expect_eq "google forms: a label holding ', ' after another" \
	"$(q "SELECT group_concat(o.code, ' ') FROM (SELECT o.code FROM answer a JOIN response r ON r.id = a.response_id
	      JOIN question_option o ON o.id = a.option_id JOIN question qu ON qu.id = a.question_id
	      WHERE qu.code = 'SERVICES' AND r.submitted_at LIKE '2026-01-12T11%' ORDER BY o.code) o")" \
	"gp pharmacy"
expect_eq "google forms: the rejected row is kept whole" \
	"$(q "SELECT count(*) FROM reject WHERE batch_id = $last_batch AND raw LIKE '%the dentist%'")" 1

# --- LimeSurvey 6 CSV: G01Q02[SQ001] array rows, answer codes -------------------
F=$R/limesurvey6.csv
run "$COLLECTOR" import "$DB" "$F" --map "$R/limesurvey6.map.xml"
expect_rc "limesurvey 6: an unknown answer code" 1
accounted "limesurvey 6" "$($ROWS rows "$F")"
expect_err "limesurvey 6" "limesurvey6.csv:5: column 'G01Q02[SQ001]': the value is not an option of question 'SAT-GP'"
for f in "G01Q01:RESPONDENT" "G01Q02[SQ001]:SAT-GP" "G01Q02[SQ002]:SAT-PHARM" \
	"G01Q02[SQ003]:SAT-111" "G01Q04:EXPERIENCE" "G01Q05:RECOMMEND"; do
	arrived "limesurvey 6" "$F" "${f%:*}" "${f##*:}"
done
for f in "G01Q03[SQ001]:gp" "G01Q03[SQ002]:pharmacy" "G01Q03[SQ003]:nhs-111" \
	"G01Q03[SQ004]:a-and-e" "G01Q03[SQ005]:none"; do
	arrived_option "limesurvey 6" "$F" "${f%:*}" SERVICES "${f##*:}"
done
expect_eq "limesurvey 6: array answer codes stored as options" \
	"$(answers_of ls6:1 SAT-GP) $(answers_of ls6:1 SAT-PHARM) $(answers_of ls6:1 SAT-111)" \
	"satisfied satisfied dissatisfied"

# --- LimeSurvey 2.x: Q2_SQ001 and SGQA headings --------------------------------
for v in limesurvey2:Q1:Q2_SQ001:Q2_SQ002:Q2_SQ003:Q3 \
	limesurvey2-sgqa:123X4X55:123X4X56SQ001:123X4X56SQ002:123X4X56SQ003:123X4X57; do
	IFS=: read -r name r a b c t <<<"$v"
	F=$R/$name.csv
	# one database each: both exports are of the same responses
	D2=$TMP/$name.db
	run "$COLLECTOR" init "$D2" "$R/exercise.xml"
	DB0=$DB
	DB=$D2
	run "$COLLECTOR" import "$DB" "$F" --map "$R/$name.map.xml"
	expect_rc "$name" 0
	accounted "$name" "$($ROWS rows "$F")"
	for f in "$r:RESPONDENT" "$a:SAT-GP" "$b:SAT-PHARM" "$c:SAT-111" "$t:EXPERIENCE"; do
		arrived "$name" "$F" "${f%:*}" "${f##*:}"
	done
	expect_eq "$name: array row answers" "$(answers_of ls2:12 SAT-GP) $(answers_of ls2:12 SAT-111)" \
		"dissatisfied satisfied"
	DB=$DB0
done

# --- KoboToolbox: a household repeat refused per record (the default) ----------
F=$R/kobo-household/instances
run "$COLLECTOR" import "$DB" "$F" --map "$R/kobo-household.map.xml" --xform "$R/kobo-household/form.xml"
expect_rc "kobo: repeats refused by default" 1
accounted "kobo" "$($ROWS rows "$F")"
expect_err "kobo: a repeat is refused with its group" \
	"01.xml: record 1: repeat group 'household/member' is not supported: export one row per repeat, or store one answer per repeat with <repeat group=\"household/member\" mode=\"each\"/> in the mapping"
expect_err "kobo: an encrypted envelope is refused" \
	"05-encrypted.xml: record 5 is encrypted: decrypt it with ODK Briefcase or Central first"
expect_eq "kobo: nothing half-stored" "$(q "SELECT count(*) FROM response WHERE batch_id = $last_batch")" 0

# --- a consultation platform's four exports of one consultation ----------------
C=$R/consultation
run "$COLLECTOR" import "$DB" "$C/online.xlsx" --map "$C/online.map.xml"
expect_rc "consultation online: one answer is no option" 1
accounted "consultation online" "$($ROWS rows "$C/online.xlsx")"
expect_err "consultation online" "online.xlsx: row 5: column 'Q1. Do you agree with the proposal to move the clinic?': the value is not an option of question 'PROPOSAL'"
for f in "Q1. Do you agree with the proposal to move the clinic?:PROPOSAL" \
	"Q2. Please tell us why:PROPOSAL-WHY" "In what capacity are you responding?:CAPACITY" \
	"Postcode:POSTCODE"; do
	arrived "consultation online" "$C/online.xlsx" "${f%:*}" "${f##*:}"
done
for part in easy-read:Should\ the\ clinic\ move?:Tell\ us\ why paper:Agree\ with\ proposal:Reasons \
	easy-read-paper:Clinic\ move\ \(Yes/Not\ sure/No\):Why; do
	IFS=: read -r name agree why <<<"$part"
	run "$COLLECTOR" import "$DB" "$C/$name.xlsx" --map "$C/$name.map.xml"
	expect_rc "consultation $name" 0
	accounted "consultation $name" "$($ROWS rows "$C/$name.xlsx")"
	arrived "consultation $name" "$C/$name.xlsx" "$agree" PROPOSAL
	arrived "consultation $name" "$C/$name.xlsx" "$why" PROPOSAL-WHY
	arrived "consultation $name" "$C/$name.xlsx" Postcode POSTCODE
done
expect_eq "consultation: four channels, one question" \
	"$(q "SELECT group_concat(n, ' ') FROM (SELECT r.channel || '/' || r.form_variant || '=' || count(*) n
	      FROM answer a JOIN response r ON r.id = a.response_id JOIN question qu ON qu.id = a.question_id
	      WHERE qu.code = 'PROPOSAL' GROUP BY r.channel, r.form_variant ORDER BY 1)")" \
	"easy-read-paper/easy-read=2 online/easy-read=2 online/standard=3 paper/standard=2"
expect_eq "consultation: Easy Read answers stored as the standard options" \
	"$(q "SELECT group_concat(c, ' ') FROM (SELECT o.code c FROM answer a JOIN response r ON r.id = a.response_id
	      JOIN question_option o ON o.id = a.option_id JOIN question qu ON qu.id = a.question_id
	      WHERE qu.code = 'PROPOSAL' AND r.form_variant = 'easy-read' ORDER BY r.id)")" \
	"agree neither disagree agree"
expect_eq "consultation: Easy Read respondents answer CAPACITY as individuals (fixed)" \
	"$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id
	      JOIN question_option o ON o.id = a.option_id JOIN question qu ON qu.id = a.question_id
	      WHERE qu.code = 'CAPACITY' AND o.code = 'individual' AND r.form_variant = 'easy-read'")" 4

finish
