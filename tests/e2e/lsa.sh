#!/usr/bin/env bash
# End-to-end: a LimeSurvey survey archive (.lsa, a zip of the .lss and the
# .lsr) imported directly stores exactly what the .lsr with --structure .lss
# stores; an archive missing a part is refused; the archive's own bytes are
# its fingerprint. The archives are built here from the bundled export.
# usage: lsa.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
A=$TMP/survey.db
B=$TMP/archive.db

# mkzip OUT NAME=FILE...: a zip holding each FILE under NAME
mkzip() {
	python3 - "$@" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for a in sys.argv[2:]:
        name, path = a.split("=", 1)
        z.write(path, name)
PY
}
LSS=$X/limesurvey-online.lss
LSR=$X/limesurvey-online.lsr
mkzip "$TMP/survey_581926.lsa" survey_581926.lss="$LSS" \
	survey_581926_responses.lsr="$LSR" survey_581926_timings.lsi="$LSR"
# the same archive under another name: told apart from an XLSX by its content
cp "$TMP/survey_581926.lsa" "$TMP/export-download.zip"
mkzip "$TMP/no-lss.lsa" survey_581926_responses.lsr="$LSR"
mkzip "$TMP/no-lsr.lsa" survey_581926.lss="$LSS"
mkzip "$TMP/two-lsr.lsa" survey_581926.lss="$LSS" a_responses.lsr="$LSR" b_responses.lsr="$LSR"

for db in "$A" "$B"; do
	run "$COLLECTOR" init "$db" "$S/exercise-2019.xml"
	expect_rc "init" 0
	run "$COLLECTOR" postcodes load "$db" "$S/postcodes/outward-shares.csv" \
		"$S/postcodes/staffs-postcodes.csv"
	expect_rc "postcodes" 0
done

run "$COLLECTOR" import "$A" "$LSR" --map "$X/limesurvey-online.map.xml" --structure "$LSS" -q
expect_rc ".lsr with --structure" 0
run "$COLLECTOR" import "$B" "$TMP/survey_581926.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc ".lsa" 0
expect_out ".lsa" "(limesurvey, import"
expect_out ".lsa" " 0 rejected"

# what each import stored, without the ids and times that differ anyway
stored() {
	sqlite3 "$1" "SELECT r.channel, r.form_variant, r.event_id, r.district_code,
		r.district_source, r.district_note, r.postcode, r.external_id, r.serial,
		r.entry_status, r.submitted_at, r.outside_dates, q.code, a.option_id, a.value,
		a.state, a.source_question_id
		FROM response r LEFT JOIN answer a ON a.response_id = r.id
		LEFT JOIN question q ON q.id = a.question_id ORDER BY r.id, a.id"
}
n=$(sqlite3 "$A" "SELECT count(*) FROM answer")
[ "$n" -gt 100 ] && ok ".lsr import stored answers ($n)" || fail ".lsr import stored only $n answers"
if [ "$(stored "$A")" = "$(stored "$B")" ]; then
	ok ".lsa stores exactly what .lsr + .lss stores"
else
	fail ".lsa stores something else" "$(diff <(stored "$A") <(stored "$B") | head -5)"
fi
expect_eq "same batch counts" \
	"$(sqlite3 "$B" "SELECT format, rows_read, rows_accepted, rows_rejected FROM import_batch")" \
	"$(sqlite3 "$A" "SELECT format, rows_read, rows_accepted, rows_rejected FROM import_batch")"
expect_eq "fingerprint is the archive's" \
	"$(sqlite3 "$B" "SELECT sha256 FROM import_batch")" \
	"$(sha256sum "$TMP/survey_581926.lsa" | cut -d' ' -f1)"

# importing the archive again adds nothing
run "$COLLECTOR" import "$B" "$TMP/survey_581926.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc ".lsa again" 0
expect_out ".lsa again" "already imported"
expect_eq ".lsa again: one batch" "$(sqlite3 "$B" "SELECT count(*) FROM import_batch")" 1

# a zip not named .lsa but holding an .lsr is read as an archive, not an XLSX
C=$TMP/zip.db
cp "$A" "$C"
sqlite3 "$C" "DELETE FROM answer; DELETE FROM response; DELETE FROM reject; DELETE FROM import_batch"
run "$COLLECTOR" import "$C" "$TMP/export-download.zip" --map "$X/limesurvey-online.map.xml" -q
expect_rc ".lsa content under another name" 0
expect_out ".lsa content under another name" "(limesurvey, import"
expect_eq ".zip archive: same answers" "$(sqlite3 "$C" "SELECT count(*) FROM answer")" "$n"

# missing or doubled parts
run "$COLLECTOR" import "$B" "$TMP/no-lss.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc "archive without .lss" 1
expect_err "archive without .lss" "no-lss.lsa: the survey archive holds no survey structure (.lss)"
run "$COLLECTOR" import "$B" "$TMP/no-lsr.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc "archive without .lsr" 1
expect_err "archive without .lsr" "no-lsr.lsa: the survey archive holds no responses (.lsr)"
run "$COLLECTOR" import "$B" "$TMP/two-lsr.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc "archive with two .lsr" 1
expect_err "archive with two .lsr" "holds two response (.lsr) files"
# a damaged archive: said so, not "malformed XML"
head -c 300 "$TMP/survey_581926.lsa" >"$TMP/cut.lsa"
run "$COLLECTOR" import "$B" "$TMP/cut.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc "truncated archive" 1
expect_err "truncated archive" "cut.lsa is not a LimeSurvey survey archive (.lsa): not a zip archive"
# a part that would inflate over 1000:1 is refused before it is unpacked
python3 - "$TMP/bomb.lsa" "$LSS" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    z.write(sys.argv[2], "survey_581926.lss")
    z.writestr("survey_581926_responses.lsr", b"\0" * (20 << 20))
PY
run "$COLLECTOR" import "$B" "$TMP/bomb.lsa" --map "$X/limesurvey-online.map.xml" -q
expect_rc "zip bomb" 1
expect_err "zip bomb" "survey_581926_responses.lsr would expand from"
expect_err "zip bomb" "refused as a possible zip bomb"
expect_eq "refused archives store nothing" "$(sqlite3 "$B" "SELECT count(*) FROM import_batch")" 1

finish
