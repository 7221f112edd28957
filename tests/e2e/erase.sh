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
finish
