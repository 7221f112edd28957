#!/usr/bin/env bash
# End-to-end: collector import over every bundled export and the bad-input
# fixtures, as an analyst runs it.
# usage: import.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db
X=$S/exports

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0
run "$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv"
expect_rc "postcodes" 0

# --- usage -----------------------------------------------------------------
run "$COLLECTOR" import --help
expect_rc "import --help" 0
expect_out "import --help" "usage: collector import DB FILE... --map MAPPING"
run "$COLLECTOR" import "$DB" "$X/google-forms-online.csv"
expect_rc "import without --map" 2
expect_err "import without --map" "import needs --map MAPPING"
run "$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" --format pdf
expect_rc "unknown format" 2
run "$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" --event NOPE
expect_rc "unknown event" 2
expect_err "unknown event" "there is no event 'NOPE'"

# --- every bundled export ----------------------------------------------------
imp() { run "$COLLECTOR" import "$DB" "$@" -q; }
imp "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml"
expect_rc "google forms" 0
expect_out "google forms" " 0 rejected"
imp "$X/surveymonkey-online.csv" --map "$X/surveymonkey-online.map.xml"
expect_rc "surveymonkey" 0
expect_out "surveymonkey" " 0 rejected"
imp "$X/smartsurvey-online.xlsx" --map "$X/smartsurvey-online.map.xml"
expect_rc "smartsurvey xlsx" 0
expect_out "smartsurvey xlsx" "(xlsx, import"
imp "$X/kobo-roadshow" --map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml"
expect_rc "kobo folder" 0
expect_out "kobo folder" "(xform, import"
imp "$X/limesurvey-online.lsr" --map "$X/limesurvey-online.map.xml" --structure "$X/limesurvey-online.lss"
expect_rc "limesurvey" 0
expect_out "limesurvey" "(limesurvey, import"
imp "$X/paper-forms.csv" --map "$X/paper-forms.map.xml"
expect_rc "paper forms" 0
imp "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml"
expect_rc "easy read paper" 0

total=$(sqlite3 "$DB" "SELECT count(*) FROM response")
[ "$total" -ge 600 ] && ok "at least 600 responses ($total)" || fail "only $total responses"
expect_eq "districts with responses" "$(sqlite3 "$DB" "SELECT count(DISTINCT district_code) FROM response")" 9
expect_eq "channels" "$(sqlite3 "$DB" "SELECT count(DISTINCT channel) FROM response")" 4
expect_eq "form variants" "$(sqlite3 "$DB" "SELECT group_concat(v) FROM (SELECT DISTINCT form_variant v FROM response ORDER BY 1)")" "easy-read,standard"
expect_eq "no rejects in the samples" "$(sqlite3 "$DB" "SELECT count(*) FROM reject")" 0
expect_eq "easy read stored on standard questions" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON a.question_id = q.id JOIN questionnaire n ON q.questionnaire_id = n.id WHERE n.variant = 'easy-read'")" 0

# --- the same again: nothing added ------------------------------------------
before=$(sha256sum "$DB" | cut -d' ' -f1)
imp "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml"
expect_rc "google forms again" 0
expect_out "google forms again" "already imported with this mapping"
expect_eq "responses after a repeat" "$(sqlite3 "$DB" "SELECT count(*) FROM response")" "$total"

# --- bad input ----------------------------------------------------------------
M=$F/import/online.map.xml
before=$(sha256sum "$DB" | cut -d' ' -f1)
imp "$F/import/online.csv" --map "$M" --strict
expect_rc "strict" 1
expect_err "strict" "8 records rejected and --strict given: nothing imported"
expect_eq "database unchanged by --strict" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"
imp "$F/import/online.csv" --map "$M"
expect_rc "rows rejected" 1
expect_out "rows rejected" "11 read, 3 imported, 8 rejected"
expect_err "rows rejected" "online.csv:6: column 'How satisfied are you?': the value is not an option of question 'UEC-SAT'"
expect_err "rows rejected" "online.csv:11: invalid UTF-8 in column 5"
expect_err "rows rejected" "column 'Notes' is not in the mapping"

for bad in unbalanced.csv empty.csv missing-columns.csv not-a-zip.xlsx; do
	before=$(sha256sum "$DB" | cut -d' ' -f1)
	imp "$F/import/$bad" --map "$M"
	expect_rc "refused $bad" 1
	expect_err "refused $bad" "$bad was not imported: the database is unchanged"
	expect_eq "database unchanged by $bad" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"
done
# Hostile and broken XML: refused whole, nothing read from /etc/passwd, database untouched.
for bad in xform/external-entity-submission.xml xform/billion-laughs-submission.xml \
	xform/truncated-submission.xml limesurvey/malformed.lsr xlsx/doctype.xlsx xlsx/truncated.xlsx; do
	before=$(sha256sum "$DB" | cut -d' ' -f1)
	imp "$F/$bad" --map "$M"
	expect_rc "refused $bad" 1
	expect_err "refused $bad" "was not imported: the database is unchanged"
	case "$out$err" in *root:x:0:0*) fail "refused $bad: leaked /etc/passwd" ;; *) ok "refused $bad: nothing leaked" ;; esac
	expect_eq "database unchanged by $bad" "$(sha256sum "$DB" | cut -d' ' -f1)" "$before"
done

finish
