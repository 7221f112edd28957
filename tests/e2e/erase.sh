#!/usr/bin/env bash
# End-to-end: collector erase (UK GDPR). A unique phrase is planted in one
# response, the response is erased, and the database files' bytes are
# searched for it; the erasure is logged without the content.
# usage: erase.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
PHRASE="Zanzibar-heliotrope-$$-quokka"

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
# One more response, with the phrase, through the same Google Forms mapping.
python3 - "$X/google-forms-online.csv" "$TMP/planted.csv" "$PHRASE" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
head, row = rows[0], list(rows[1])
row[0] = '2019/07/01 10:00:00 AM GMT+1'
for i, h in enumerate(head):
    if 'work well' in h.lower() or 'works well' in h.lower():
        row[i] = 'The staff were kind. ' + sys.argv[3] + ' Parking is hard.'
        break
else:
    sys.exit('no free-text column found')
csv.writer(open(sys.argv[2], 'w', newline='')).writerows([head, row])
PY
run "$COLLECTOR" import "$DB" "$TMP/planted.csv" --map "$X/google-forms-online.map.xml"
expect_rc "import the planted response" 0
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null
rid=$(sqlite3 "$DB" "SELECT response_id FROM answer WHERE value LIKE '%$PHRASE%'")
[ -n "$rid" ] && ok "phrase planted in response $rid" || fail "phrase not planted"
tags=$(sqlite3 "$DB" "SELECT count(*) FROM tag t JOIN answer a ON a.id = t.answer_id WHERE a.response_id = $rid")
[ "$tags" -gt 0 ] && ok "the response has tags ($tags)" || fail "the response has no tags"
before=$(sqlite3 "$DB" "SELECT count(*) FROM response")
# Checkpoint so the phrase is in the main file, not only the log: the hard case.
sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
grep -a -q "$PHRASE" "$DB" && ok "the phrase is in the file before" || fail "the phrase is not in the file before"

run "$COLLECTOR" erase "$DB" --response "$rid" --by "Data Protection Officer" </dev/null
expect_rc "erase without a terminal or --yes" 2
expect_err "erase asks for confirmation" "cannot be undone"
run "$COLLECTOR" erase "$DB" --response "$rid"
expect_rc "erase without --by" 2
run "$COLLECTOR" erase "$DB" --response "$rid" --by "Data Protection Officer" --reason "e-mail of 3 May" --yes
expect_rc "erase" 0
expect_out "erase says what went" "answers, $tags tags"
expect_eq "one response fewer" "$(sqlite3 "$DB" "SELECT count(*) FROM response")" $((before - 1))
expect_eq "its answers are gone" "$(sqlite3 "$DB" "SELECT count(*) FROM answer WHERE response_id = $rid")" 0
expect_eq "its tags are gone" "$(sqlite3 "$DB" "SELECT count(*) FROM tag t LEFT JOIN answer a ON a.id = t.answer_id WHERE a.id IS NULL")" 0
found=0
for f in "$DB" "$DB-wal" "$DB-shm"; do
	[ -f "$f" ] && grep -a -q "$PHRASE" "$f" && found=1
done
expect_eq "no trace of the phrase in the database files" "$found" 0
expect_eq "the erasure is logged" "$(sqlite3 "$DB" "SELECT identified_by || '|' || erased_by || '|' || reason FROM erasure WHERE response_id = $rid")" "response|Data Protection Officer|e-mail of 3 May"
expect_eq "the log holds no content" "$(sqlite3 "$DB" "SELECT count(*) FROM erasure WHERE identifier LIKE '%Zanzibar%' OR reason LIKE '%Zanzibar%'")" 0
expect_eq "integrity after erasure" "$(sqlite3 "$DB" "PRAGMA integrity_check")" ok

# By survey id, with or without the mapping's prefix; by serial number.
ext=$(sqlite3 "$DB" "SELECT external_id FROM response WHERE external_id IS NOT NULL ORDER BY id LIMIT 1")
bare=${ext#*:}
run "$COLLECTOR" erase "$DB" --external-id "$bare" --by DPO --yes
expect_rc "erase by survey id" 0
expect_eq "gone by survey id" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE external_id = '$ext'")" 0
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
serial=$(sqlite3 "$DB" "SELECT serial FROM response WHERE serial IS NOT NULL LIMIT 1")
run "$COLLECTOR" erase "$DB" --serial "$serial" --by DPO --yes
expect_rc "erase by serial" 0
expect_eq "gone by serial" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE serial = '$serial'")" 0
run "$COLLECTOR" erase "$DB" --serial "$serial" --by DPO --yes
expect_rc "erase twice" 2
expect_err "erase twice" "there is no response with serial number"
run "$COLLECTOR" erase "$DB" --response 1 --serial 2 --by DPO --yes
expect_rc "two identifiers" 2
# A later export with the erased survey id does not bring it back.
cp "$TMP/planted.csv" "$TMP/again.csv"; printf '\n' >>"$TMP/again.csv"
run "$COLLECTOR" import "$DB" "$TMP/again.csv" --map "$X/google-forms-online.map.xml"
expect_rc "import the erased response again" 0
expect_out "the importer says why it skipped it" "1 skipped: erased earlier at the respondent's request"
expect_eq "still erased" "$(sqlite3 "$DB" "SELECT count(*) FROM answer WHERE value LIKE '%$PHRASE%'")" 0
expect_eq "three erasures logged" "$(sqlite3 "$DB" "SELECT count(*) FROM erasure")" 3

# ---- Rejected rows go by the import's identity rules, not by a text search ----
# grep_db WORD: 1 when WORD is in the bytes of any of the database's files.
grep_db() {
	local f found=0
	sqlite3 "$DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	for f in "$DB" "$DB-wal" "$DB-shm"; do
		[ -f "$f" ] && grep -a -q "$1" "$f" && found=1
	done
	echo $found
}
M=$TALLY_FIXTURES/import/online.map.xml
HEAD='Respondent,Submitted,Postcode,Area,What works well in urgent care?,How satisfied are you?,Services used,Age,Recommend,Notes'

# A short survey id (2 characters): its second copy is rejected, then erased with it.
SHORT="Quince-$$-short-id"
printf '%s\nR7,2019-06-12,,,"Kind staff",,,,,\nR7,2019-06-13,,,"%s",,,,,\n' "$HEAD" "$SHORT" >"$TMP/short.csv"
"$COLLECTOR" import "$DB" "$TMP/short.csv" --map "$M" -q >/dev/null 2>&1
expect_eq "short id: its second copy is a reject" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE response_key = 'test:R7'")" 1
run "$COLLECTOR" erase "$DB" --external-id R7 --by DPO --yes
expect_rc "erase a short survey id" 0
expect_out "erase counts its rejected row" "1 rejected rows will be erased"
expect_eq "the short id's rejected row is gone" "$(grep_db "$SHORT")" 0

# Rows rejected before rejects kept their identity (an upgraded database):
# the survey id or serial as a whole field of the raw record.
LEGACY="Bullace-$$-legacy"
printf '%s\nR5,2019-06-12,,,"Kind",,,,,\nR5,2019-06-12,,,"%s",Maybe,,,,\nR50,2019-06-12,,,"R5 %s",Maybe,,,,\n' "$HEAD" "$LEGACY" "$LEGACY-other" >"$TMP/legacy.csv"
"$COLLECTOR" import "$DB" "$TMP/legacy.csv" --map "$M" -q >/dev/null 2>&1
sqlite3 "$DB" "UPDATE reject SET response_key = NULL, serial = NULL, identity_kept = 0 WHERE instr(raw, '$LEGACY') > 0"
run "$COLLECTOR" erase "$DB" --external-id R5 --by DPO --yes
expect_rc "erase with a reject from before" 0
expect_out "the reject from before is counted" "1 rejected rows will be erased"
expect_eq "the reject from before is gone" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$LEGACY,') > 0")" 0
expect_eq "one holding R5 in someone's words stays" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$LEGACY-other') > 0")" 1

# Rows the reader could not take: one with too many values keeps the identity
# read from its columns, an unreadable one is found by its id as a whole field.
WIDE="Rowan-$$-wide"
printf '%s\nR11,2019-06-12,,,"Kind",,,,,\nR11,2019-06-12,,,"%s",,,,,,extra\nR12,2019-06-12,,,x"y %s,,,,,\nR12,2019-06-12,,,"Kind",,,,,\n' "$HEAD" "$WIDE" "$WIDE-quote" >"$TMP/wide.csv"
"$COLLECTOR" import "$DB" "$TMP/wide.csv" --map "$M" -q >/dev/null 2>&1
expect_eq "a row with too many values keeps its identity" "$(sqlite3 "$DB" "SELECT response_key || ' ' || identity_kept FROM reject WHERE instr(raw, '$WIDE\"') > 0")" "test:R11 1"
expect_eq "an unreadable row's identity is not known" "$(sqlite3 "$DB" "SELECT coalesce(response_key, '-') || ' ' || identity_kept FROM reject WHERE instr(raw, '$WIDE-quote') > 0")" "- 0"
run "$COLLECTOR" erase "$DB" --external-id R11 --by DPO --yes
expect_out "the too-wide row is counted" "1 rejected rows will be erased"
run "$COLLECTOR" erase "$DB" --external-id R12 --by DPO --yes
expect_out "the unreadable row is counted" "1 rejected rows will be erased"
expect_eq "no trace of either" "$(grep_db "$WIDE")" 0
# The erased id again, in a row with too many values: skipped, not rejected.
printf '%s\nR11,2019-06-13,,,"%s",,,,,,extra\n' "$HEAD" "$WIDE" >"$TMP/wide2.csv"
run "$COLLECTOR" import "$DB" "$TMP/wide2.csv" --map "$M"
expect_rc "an erased id in a row with too many values" 0
expect_out "it is skipped as erased" "1 skipped: erased earlier"
expect_eq "it is not stored as a reject" "$(grep_db "$WIDE")" 0
# ... and in a row that cannot be read at all: found as a whole field, skipped.
printf '%s\nR12,2019-06-14,,,x"y %s,,,,,\nR120,2019-06-14,,,x"y R12 %s,,,,,\n' "$HEAD" "$WIDE" "$WIDE-R120" >"$TMP/wide3.csv"
run "$COLLECTOR" import "$DB" "$TMP/wide3.csv" --map "$M"
expect_out "an unreadable row of an erased id is skipped" "1 skipped: erased earlier"
expect_eq "and not stored" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$WIDE,') > 0")" 0
expect_eq "another unreadable row is stored" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$WIDE-R120') > 0")" 1
# A short number is no evidence: an unreadable row of someone else that holds
# an erased number as an answer is rejected and kept, not skipped as erased.
NUM="Sloe-$$-number"
printf '%s\n4242,2019-06-12,,,"Kind",,,,,\n' "$HEAD" >"$TMP/num.csv"
"$COLLECTOR" import "$DB" "$TMP/num.csv" --map "$M" -q >/dev/null 2>&1
run "$COLLECTOR" erase "$DB" --external-id 4242 --by DPO --yes
expect_rc "erase a numeric survey id" 0
printf '%s\nR131,2019-06-14,,,x"y %s,4242,,,,\n' "$HEAD" "$NUM" >"$TMP/num2.csv"
run "$COLLECTOR" import "$DB" "$TMP/num2.csv" --map "$M"
expect_out "the unreadable row with the number in it is rejected" "1 rejected"
expect_eq "and kept as a reject, not lost" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE instr(raw, '$NUM') > 0")" 1

# A rejected row of another response holding the id as text stays.
OTHER="Medlar-$$-other"
printf '%s\nR70,2019-06-12,,,"R8 %s",Maybe,,,,\nR8,2019-06-12,,,"Fine",,,,,\n' "$HEAD" "$OTHER" >"$TMP/other.csv"
"$COLLECTOR" import "$DB" "$TMP/other.csv" --map "$M" -q >/dev/null 2>&1
run "$COLLECTOR" erase "$DB" --external-id R8 --by DPO --yes
expect_rc "erase R8" 0
expect_out "no other response's rejects are counted" "0 rejected rows will be erased"
expect_eq "another response's rejected row stays" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE response_key = 'test:R70'")" 1

# A paper form found by --serial: its rejected copy goes, and it never comes back.
P="$X/paper-forms.map.xml"
PHEAD=$(head -1 "$X/paper-forms.csv" | tr -d '\r')
PAPER="Sloe-$$-paper-form"
row() { printf '%s,LE-HAN-1,T. Salt,06/06/2019,Public,GP,"%s",,,,,,,,,,,,,,,,,,,,ST17,55-64,Male,White,No,No\n' "$1" "$2"; }
{ echo "$PHEAD"; row SR-900 "$PAPER"; row SR-900 "$PAPER again"; row SR-901 "Other form"; } >"$TMP/sheet.csv"
run "$COLLECTOR" import "$DB" "$TMP/sheet.csv" --map "$P"
expect_eq "the sheet's repeated serial is a reject" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE serial = 'SR-900'")" 1
run "$COLLECTOR" erase "$DB" --serial SR-900 --by DPO --yes
expect_rc "erase a sheet's form by serial" 0
expect_out "erase by serial counts its rejected row" "1 rejected rows will be erased"
expect_eq "no trace of the paper form" "$(grep_db "$PAPER")" 0
expect_eq "the erasure keeps the serial" "$(sqlite3 "$DB" "SELECT serial FROM erasure WHERE identified_by = 'serial' AND identifier = 'SR-900'")" SR-900
# The same sheet again, with one more form (and the erased one twice).
{ cat "$TMP/sheet.csv"; row SR-902 "New form"; } >"$TMP/sheet2.csv"
run "$COLLECTOR" import "$DB" "$TMP/sheet2.csv" --map "$P"
expect_rc "the sheet again" 0
expect_out "the importer says it skipped the erased form" "2 skipped: erased earlier at the respondent's request"
expect_eq "the erased form does not come back" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE serial = 'SR-900'")" 0
expect_eq "nor as a rejected row" "$(grep_db "$PAPER")" 0
expect_eq "the new form is in" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE serial = 'SR-902'")" 1
# Typed up again from a batch file: skipped, saying so.
printf 'serial,UEC-WELL\nSR-900,%s\nSR-903,Fine\n' "$PAPER" >"$TMP/typed.csv"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/typed.csv"
expect_rc "a batch file with the erased form" 0
expect_out "the batch says it skipped the erased form" "typed.csv:2: form SR-900 skipped: it was erased at the respondent's request"
expect_out "the batch saves the rest" "1 form saved"
expect_eq "the erased form is not typed in again" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE serial = 'SR-900'")" 0
expect_eq "no trace after the batch" "$(grep_db "$PAPER")" 0
# A typed form changed before it was checked keeps its earlier answers
# (entry_version, as the web's edit page keeps them): erasing it erases them.
EARLIER="Earlier words of form SR-903 $$"
sqlite3 "$DB" "INSERT INTO entry_version (response_id, version, saved_by, saved_at, replaced_by, replaced_at) SELECT id, 1, 'Jo Bloggs', 'then', 'Jo Bloggs', 'now' FROM response WHERE serial = 'SR-903'; INSERT INTO entry_version_answer (version_id, question_id, value) SELECT v.id, a.question_id, '$EARLIER' FROM entry_version v JOIN answer a ON a.response_id = v.response_id"
expect_eq "the earlier version is kept" "$(grep_db "$EARLIER")" 1
run "$COLLECTOR" erase "$DB" --serial SR-903 --by DPO --yes
expect_rc "erase a changed typed form" 0
expect_eq "its earlier versions are gone" "$(sqlite3 "$DB" "SELECT count(*) FROM entry_version")|$(sqlite3 "$DB" "SELECT count(*) FROM entry_version_answer")" "0|0"
expect_eq "no trace of its earlier answers" "$(grep_db "$EARLIER")" 0

# An export without ids: a response is known by its content; its repeat is a
# reject with the same content hash, and both go.
cat >"$TMP/noid.map.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<mapping exercise="twb-2019" form="standard" channel="online" dates="auto">
  <submitted field="Submitted"/>
  <question code="UEC-WELL" field="What works well in urgent care?"/>
  <ignore field="Respondent"/><ignore field="Postcode"/><ignore field="Area"/>
  <ignore field="How satisfied are you?"/><ignore field="Services used"/><ignore field="Age"/>
  <ignore field="Recommend"/><ignore field="Notes"/>
</mapping>
XML
CONTENT="Damson-$$-content"
printf '%s\n,2019-06-12,,,"%s",,,,,\n,2019-06-12,,,"%s",,,,,\n' "$HEAD" "$CONTENT" "$CONTENT" >"$TMP/noid.csv"
"$COLLECTOR" import "$DB" "$TMP/noid.csv" --map "$TMP/noid.map.xml" -q >/dev/null 2>&1
key=$(sqlite3 "$DB" "SELECT r.external_id FROM response r JOIN answer a ON a.response_id = r.id WHERE a.value = '$CONTENT'")
expect_eq "the repeat is a reject by content" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE response_key = '$key' AND response_key LIKE 'content:%'")" 1
run "$COLLECTOR" erase "$DB" --external-id "$key" --by DPO --yes
expect_rc "erase by content" 0
expect_eq "no trace of the content" "$(grep_db "$CONTENT")" 0
cp "$TMP/noid.csv" "$TMP/noid2.csv"; printf '\n' >>"$TMP/noid2.csv"
run "$COLLECTOR" import "$DB" "$TMP/noid2.csv" --map "$TMP/noid.map.xml"
expect_out "content erased earlier is skipped, twice" "2 skipped: erased earlier"
expect_eq "no trace of the content after a new import" "$(grep_db "$CONTENT")" 0

# ---- Erasing while another program reads ----
coproc READER { sqlite3 "$DB" 2>&1; }
echo "BEGIN; SELECT count(*) FROM response; SELECT 'ready';" >&"${READER[1]}"
read -r _ <&"${READER[0]}"; read -r _ <&"${READER[0]}"
rid=$(sqlite3 "$DB" "SELECT id FROM response WHERE serial = 'SR-901'")
run "$COLLECTOR" erase "$DB" --response "$rid" --by DPO --yes
expect_rc "erase while another program reads" 0
expect_err "says the erasure is not finished" "the erasure is not finished: another program is reading $DB"
expect_err "names the database file itself" "can still be found in the bytes of $DB and $DB-wal"
expect_err "gives the command that finishes it" "run: collector erase '$DB' --finish"
run "$COLLECTOR" erase "$DB" --finish
expect_rc "--finish while it still reads" 3
reader_pid=$READER_PID
printf 'COMMIT;\n.quit\n' >&"${READER[1]}"
wait "$reader_pid" 2>/dev/null
run "$COLLECTOR" erase "$DB" --finish
expect_rc "--finish afterwards" 0
expect_out "--finish says so" "Every erasure in $DB is finished"
expect_eq "the log is empty" "$(stat -c %s "$DB-wal" 2>/dev/null || echo 0)" 0
finish
