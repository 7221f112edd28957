#!/usr/bin/env bash
# End-to-end: no answer is lost with exit 0 (issue 13). Each export is
# counted independently (python3), and imported + rejected + duplicates
# must equal its records, with every mapped cell arriving as an answer.
# usage: silent_loss.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES/silent-loss
X=$S/exports
DB=$TMP/survey.db

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0
q() { sqlite3 "$DB" "$1"; }
# answers stored for question CODE in the last import
answers() {
	q "SELECT count(*) FROM answer a JOIN question qu ON qu.id = a.question_id
	   JOIN response r ON r.id = a.response_id
	   WHERE qu.code = '$1' AND r.batch_id = (SELECT max(id) FROM import_batch)"
}
# expect_sum NAME READ: the summary line's counts add up to READ
expect_sum() {
	local line imp rej dup
	line=$(printf '%s\n' "$out" | grep ' read, ')
	imp=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) imported.*/\1/p')
	rej=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) rejected.*/\1/p')
	dup=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) already in the database.*/\1/p')
	expect_eq "$1: imported + rejected + duplicates" "$((imp + rej + dup))" "$2"
}

# --- 1. a LimeSurvey export without its structure ------------------------------
cp "$X/limesurvey-online.lsr" "$TMP/alone.lsr"
rows=$(python3 -c 'import sys, xml.etree.ElementTree as E
print(len(E.parse(sys.argv[1]).getroot().findall("responses/rows/row")))' "$TMP/alone.lsr")
run "$COLLECTOR" import "$DB" "$TMP/alone.lsr" --map "$X/limesurvey-online.map.xml" -q
expect_rc ".lsr without .lss" 1
expect_err ".lsr without .lss" "alone.lsr was not imported"
expect_err ".lsr without .lss" "no field 'UECWELL' in the export"
expect_err ".lsr without .lss" "--structure"
expect_eq ".lsr without .lss: nothing stored" "$(q "SELECT count(*) FROM response")" 0
expect_eq ".lsr without .lss: not remembered" "$(q "SELECT count(*) FROM import_batch")" 0
run "$COLLECTOR" import "$DB" "$TMP/alone.lsr" --map "$X/limesurvey-online.map.xml" \
	--structure "$X/limesurvey-online.lss" -q
expect_rc ".lsr then with --structure" 0
expect_sum ".lsr with --structure" "$rows"
# UECWELL is question 3 of group 2: column 581926X2X3, element _581926X2X3
cells=$(python3 -c 'import sys, xml.etree.ElementTree as E
r = E.parse(sys.argv[1]).getroot().findall("responses/rows/row")
print(sum(1 for x in r if (x.findtext("_581926X2X3") or "").strip()))' "$TMP/alone.lsr")
expect_eq ".lsr with --structure: every UECWELL cell arrived" "$(answers UEC-WELL)" "$cells"

# --- 3. encrypted ODK submissions: refused, not stored empty -----------------------
for f in roadshow/04-encrypted.xml encrypted-envelope.xml; do
	before=$(q "SELECT count(*) FROM response")
	run "$COLLECTOR" import "$DB" "$F/$f" --map "$F/roadshow.map.xml" -q
	expect_rc "encrypted $f" 1
	expect_err "encrypted $f" "record 1 is encrypted: decrypt it with ODK Briefcase or Central first"
	expect_out "encrypted $f" "1 read, 0 imported, 1 rejected"
	expect_eq "encrypted $f: no empty respondent" "$(q "SELECT count(*) FROM response")" "$before"
done

# --- 9. instances whose root is not named like the form's, but of its id ------------
R=$F/roadshow
files=$(python3 -c 'import glob, sys; print(len(glob.glob(sys.argv[1] + "/*.xml")))' "$R")
plain=$(python3 -c 'import glob, sys, xml.etree.ElementTree as E
n = 0
for f in glob.glob(sys.argv[1] + "/*.xml"):
    r = E.parse(f).getroot()
    if r.get("encrypted") != "yes" and (r.findtext("feedback/uec_well") or "").strip(): n += 1
print(n)' "$R")
run "$COLLECTOR" import "$DB" "$R" --map "$F/roadshow.map.xml" --xform "$F/roadshow-form.xml" -q
expect_rc "kobo roots" 1
expect_out "kobo roots" "$files read, 3 imported, 1 rejected"
expect_sum "kobo roots" "$files"
expect_err "kobo roots" "04-encrypted.xml: record 4 is encrypted"
expect_eq "kobo roots: every UEC-WELL cell arrived" "$(answers UEC-WELL)" "$plain"
expect_eq "kobo roots: every age arrived" "$(answers AGE)" 3

# --- 10. nothing new stored: no false "check its spelling" -----------------------------
sed 's/left out on purpose/left out on purpose (a second version)/' "$F/roadshow.map.xml" >"$TMP/roadshow-2.map.xml"
run "$COLLECTOR" import "$DB" "$R" --map "$TMP/roadshow-2.map.xml" --xform "$F/roadshow-form.xml" -q
expect_rc "kobo again" 1
expect_out "kobo again" "$files read, 0 imported, 1 rejected, 3 already in the database"
expect_sum "kobo again" "$files"
case "$err" in *"check its spelling"*) fail "kobo again: false spelling warnings" "$err" ;;
	*) ok "kobo again: no spelling warning" ;; esac
# every record unreadable: nothing to say about the mapping's fields either
run "$COLLECTOR" import "$DB" "$F/encrypted-envelope.xml" --map "$TMP/roadshow-2.map.xml" -q
expect_rc "all unreadable" 1
case "$err" in *"check its spelling"*) fail "all unreadable: false spelling warnings" "$err" ;;
	*) ok "all unreadable: no spelling warning" ;; esac
# a field that really is in no record is still named
sed 's|field="age"|field="agee"|' "$F/roadshow.map.xml" >"$TMP/roadshow-typo.map.xml"
run "$COLLECTOR" import "$DB" "$R" --map "$TMP/roadshow-typo.map.xml" --xform "$F/roadshow-form.xml" -q
expect_err "misspelt field" "no record has the field 'agee' that the mapping names"
case "$err" in *"field 'end' that"*) fail "misspelt field: 'end' named too" "$err" ;;
	*) ok "misspelt field: only it is named" ;; esac

# --- 2. fields in the records but not in the mapping are named, with a count -------------
# (the kobo import above: staff_note is in the form, not in the mapping)
sed 's/on purpose/on purpose (third version)/' "$TMP/roadshow-typo.map.xml" >"$TMP/roadshow-typo-3.map.xml"
run "$COLLECTOR" import "$DB" "$R" --map "$TMP/roadshow-typo-3.map.xml" --xform "$F/roadshow-form.xml" -q
notes=$(python3 -c 'import glob, sys, xml.etree.ElementTree as E
print(sum(1 for f in glob.glob(sys.argv[1] + "/*.xml")
          if (E.parse(f).getroot().findtext("staff_note") or "").strip()))' "$R")
expect_err "unmapped xform field" "field 'staff_note' is not in the mapping, so it is not imported: $notes of 3 records have a value in it"
expect_err "unmapped xform field" "field 'age' is not in the mapping, so it is not imported: 3 of 3 records"
# LimeSurvey: a mapping that leaves out OTHER
grep -v 'field="OTHER"' "$X/limesurvey-online.map.xml" >"$TMP/ls-no-other.map.xml"
cp "$X/limesurvey-online.lsr" "$TMP/again.lsr"
run "$COLLECTOR" import "$DB" "$TMP/again.lsr" --map "$TMP/ls-no-other.map.xml" \
	--structure "$X/limesurvey-online.lss" -q
others=$(python3 -c 'import sys, xml.etree.ElementTree as E
s = E.parse(sys.argv[2]).getroot()
q = [r for r in s.findall("questions/rows/row") if r.findtext("title") == "OTHER"][0]
col = "_%sX%sX%s" % (q.findtext("sid"), q.findtext("gid"), q.findtext("qid"))
rows = E.parse(sys.argv[1]).getroot().findall("responses/rows/row")
print(sum(1 for r in rows if (r.findtext(col) or "").strip()))' "$TMP/again.lsr" "$X/limesurvey-online.lss")
expect_err "unmapped limesurvey field" "field 'OTHER' is not in the mapping, so it is not imported: $others of $rows records have a value in it"
# CSV says the same, with its count
run "$COLLECTOR" import "$DB" "$TALLY_FIXTURES/import/online.csv" --map "$TALLY_FIXTURES/import/online.map.xml" -q
expect_err "unmapped csv column" "column 'Notes' is not in the mapping, so it is not imported: "

# --- 5. an id longer than is kept: refused, not cut into another's --------------------
L=$F/long-ids.csv
rows=$(python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1], newline=""))))' "$L")
long=$(python3 -c 'import csv, sys
print(sum(1 for r in csv.DictReader(open(sys.argv[1], newline="")) if len(r["Respondent"].encode()) > 255))' "$L")
run "$COLLECTOR" import "$DB" "$L" --map "$TALLY_FIXTURES/import/online.map.xml" -q
expect_rc "long ids" 1
expect_sum "long ids" "$rows"
expect_out "long ids" "$rows read, $((rows - long)) imported, $long rejected"
expect_err "long ids" "long-ids.csv:2: column 'Respondent': the response id is 300 bytes, more than the 255 kept"
expect_err "long ids" "long-ids.csv:3: column 'Respondent': the response id is 300 bytes"
case "$err" in *"appears twice"*|*"already"*) fail "long ids: cut into one another" "$err" ;;
	*) ok "long ids: not taken for one another" ;; esac
expect_eq "long ids: none stored cut" "$(q "SELECT count(*) FROM response WHERE length(external_id) > 200")" 0

# and a serial number or an officer's name longer than is kept
run "$COLLECTOR" import "$DB" "$F/long-paper.csv" --map "$X/paper-forms.map.xml" -q
expect_rc "long paper values" 1
expect_out "long paper values" "3 read, 1 imported, 2 rejected"
expect_err "long paper values" "long-paper.csv:2: column 'Serial': the serial number is 132 bytes, more than the 127 kept"
expect_err "long paper values" "long-paper.csv:3: column 'Officer': the officer's name is 308 bytes, more than the 255 kept"

# a postcode or a scale value with more after 100 spaces is not read from its start
pad=$(printf '%100s' '')
{
	echo 'Respondent,Submitted,Postcode,Area,What works well in urgent care?,How satisfied are you?,Services used,Age,Recommend,Notes'
	echo "LONG-1,2019-06-12,\"ST1 1AF${pad}x\",,,,,,,"
	echo "LONG-2,2019-06-12,,,,,,,\"10${pad}x\","
} >"$TMP/long-cells.csv"
run "$COLLECTOR" import "$DB" "$TMP/long-cells.csv" --map "$TALLY_FIXTURES/import/online.map.xml" -q
expect_rc "long cells" 1
expect_eq "long postcode: not stored as ST1 1AF" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id JOIN question qn ON qn.id = a.question_id WHERE r.external_id = 'test:LONG-1' AND qn.code = 'POSTCODE' AND a.value = 'ST1 1AF'")" 0
expect_eq "long postcode: kept as written" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id JOIN question qn ON qn.id = a.question_id WHERE r.external_id = 'test:LONG-1' AND qn.code = 'POSTCODE' AND a.value LIKE 'ST1 1AF %x'")" 1
expect_err "long scale value" "long-cells.csv:3: column 'Recommend': the value is not on the scale from 0 to 10"
expect_eq "long scale value: not stored" "$(q "SELECT count(*) FROM response WHERE external_id = 'test:LONG-2'")" 0

# --- 7. time-zone offsets converted to UK time (GMT in March) (the kobo import above) ------------------------
at() { q "SELECT submitted_at FROM response WHERE external_id = 'kobo:uuid:4d1c9a52-0b6e-4f3a-9a51-6e0f1c2b7a0$1'"; }
expect_eq "+02 in UK time" "$(at 1)" "2024-03-18T08:15:09"
expect_eq "-05:30 in UK time, the next day" "$(at 2)" "2024-03-19T05:20:00"
expect_eq "Z kept" "$(at 3)" "2024-03-18T11:02:30"

finish
