#!/usr/bin/env bash
# End-to-end: edited ODK / KoboToolbox submissions (meta/deprecatedID). An
# edit is the same person's answers, not a second person: it replaces the
# earlier response (answers and tags), in one file or across imports, along
# a chain of edits, never bringing back an erased response; importing the
# same submissions again adds nothing. Rows are counted here with python3's
# XML reader, independently of the collector.
# usage: odk_edits.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
F=$TALLY_FIXTURES/xform/edits
DB=$TMP/survey.db
MAP=(--map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml")

# The instance id of a fixture, "uuid:5eed000N-...", by its letter.
iid() { printf 'uuid:5eed%04x-7e11-4d2a-9b3c-0000ed17%04x' "$1" "$1"; }
A=$(iid 1) B=$(iid 2) C=$(iid 3) D=$(iid 4) XX=$(iid 5) Y=$(iid 6) N1=$(iid 8) N2=$(iid 9) O=$(iid 10) OLD=$(iid 11)
q() { sqlite3 "$DB" "$1"; }
rid() { q "SELECT id FROM response WHERE external_id = 'kobo:$1'"; }

# check_counts NAME FOLDER: the summary's figures add up to the records in FOLDER.
check_counts() {
	local rows line imported rejected dups erased superseded
	rows=$(python3 - "$2" <<'PY'
import os, sys, xml.etree.ElementTree as ET
n = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith('.xml'):
            ET.parse(os.path.join(root, f))
            n += 1
print(n)
PY
)
	line=$(printf '%s\n' "$out" | grep ' read, ' | head -n1)
	imported=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) imported,.*/\1/p')
	rejected=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) rejected,.*/\1/p')
	dups=$(printf '%s' "$line" | sed -n 's/.* \([0-9]*\) already in the database.*/\1/p')
	erased=$(printf '%s\n' "$out" | sed -n 's/^  \([0-9]*\) skipped: erased.*/\1/p')
	superseded=$(printf '%s\n' "$out" | sed -n 's/^  \([0-9]*\) skipped: replaced by a later edit.*/\1/p')
	expect_eq "$1: imported + rejected + duplicates + erased + replaced = records" \
		"$((imported + rejected + dups + ${erased:-0} + ${superseded:-0}))" "$rows"
}

# check_cells NAME: every mapped cell of each submission stored as a response arrived.
check_cells() {
	local missing
	missing=$(python3 - "$F" "$DB" <<'PY'
import os, sqlite3, sys, xml.etree.ElementTree as ET
db = sqlite3.connect(sys.argv[2])
def local(tag):
    return tag.rsplit('}', 1)[-1]
missing = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in sorted(files):
        if not f.endswith('.xml'):
            continue
        leaves = {}
        def walk(el, path):
            kids = list(el)
            if not kids:
                leaves[path] = (el.text or '').strip()
            for k in kids:
                walk(k, (path + '/' if path else '') + local(k.tag))
        walk(ET.parse(os.path.join(root, f)).getroot(), '')
        row = db.execute("SELECT id FROM response WHERE external_id = ?",
                         ('kobo:' + leaves['meta/instanceID'],)).fetchone()
        if not row:
            continue
        for field, code in (('feedback/uec_well', 'UEC-WELL'), ('feedback/uec_better', 'UEC-BETTER')):
            if leaves.get(field) and not db.execute(
                    "SELECT 1 FROM answer a JOIN question q ON q.id = a.question_id "
                    "WHERE a.response_id = ? AND q.code = ? AND a.value = ?",
                    (row[0], code, leaves[field])).fetchone():
                print(f, field)
                missing += 1
        ticked = db.execute("SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id "
                            "WHERE a.response_id = ? AND q.code = 'SERVICES'", (row[0],)).fetchone()[0]
        if ticked != len(leaves['feedback/services'].split()):
            print(f, 'feedback/services')
            missing += 1
print('missing', missing)
PY
)
	expect_eq "$1: every mapped cell arrived" "$(printf '%s' "$missing" | tail -n1)" "missing 0"
}

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null

# First: three people.
run "$COLLECTOR" import "$DB" "$F/first" "${MAP[@]}"
expect_rc "first" 0
check_counts "first" "$F/first"
expect_eq "first: people" "$(q 'SELECT count(*) FROM response')" 3
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null
old_a=$(rid "$A")
tags_a=$(q "SELECT count(*) FROM tag t JOIN answer a ON a.id = t.answer_id WHERE a.response_id = $old_a")
[ "$tags_a" -gt 0 ] && ok "first: a is tagged ($tags_a)" || fail "first: a has no tags to lose"
run "$COLLECTOR" erase "$DB" --external-id "$XX" --by "DPO" --reason "test" --yes
expect_rc "erase x" 0
# Entry state on a: a second copy with a difference waiting (as typed entry leaves it).
q "UPDATE response SET entry_status = 'differences' WHERE id = $old_a;
   INSERT INTO entry_copy (response_id, officer, entered_at) VALUES ($old_a, 'JB', 'now');
   INSERT INTO entry_copy_answer (copy_id, question_id, value) SELECT id, (SELECT id FROM question WHERE code = 'UEC-WELL'), 'x' FROM entry_copy WHERE response_id = $old_a;
   INSERT INTO entry_difference (response_id, question_id, first_value, second_value, found_at) VALUES ($old_a, (SELECT id FROM question WHERE code = 'UEC-WELL'), 'a', 'b', 'now')"

# A word only a's first version holds, to look for in the file's bytes later.
OLDWORD="Damson-$$-first-version"
q "UPDATE answer SET value = '$OLDWORD' WHERE response_id = $old_a AND question_id = (SELECT id FROM question WHERE code = 'UEC-WELL')"
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null

# Second: b edits a (imported before), y edits the erased x, m edits n (both
# here, the edit read first), o edits an instance never imported.
run "$COLLECTOR" import "$DB" "$F/second" "${MAP[@]}"
expect_rc "second" 0
check_counts "second" "$F/second"
expect_out "second" "1 replaced by edits"
expect_out "second" "1 skipped: replaced by a later edit"
expect_out "second" "1 skipped: erased earlier"
expect_eq "second: people (p, b, m, o)" "$(q 'SELECT count(*) FROM response')" 4
expect_eq "second: a's response went" "$(q "SELECT count(*) FROM response WHERE id = $old_a")" 0
expect_eq "second: a's answers went" "$(q "SELECT count(*) FROM answer WHERE response_id = $old_a")" 0
q "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
expect_eq "second: a's replaced words are overwritten in the file" \
	"$(cat "$DB" "$DB-wal" 2>/dev/null | grep -c -a "$OLDWORD")" 0
expect_eq "second: a's tags went" "$(q "SELECT count(*) FROM tag WHERE response_id = $old_a OR answer_id NOT IN (SELECT id FROM answer)")" 0
[ -n "$(rid "$B")" ] && ok "second: b is a's response now" || fail "second: b not stored"
expect_eq "second: a's entry state went" "$(q "SELECT (SELECT count(*) FROM entry_copy WHERE response_id = $old_a) + (SELECT count(*) FROM entry_difference WHERE response_id = $old_a) + (SELECT count(*) FROM entry_copy_answer WHERE copy_id NOT IN (SELECT id FROM entry_copy))")" 0
expect_eq "second: b counts as it is" "$(q "SELECT entry_status FROM response WHERE external_id = 'kobo:$B'")" accepted
expect_eq "second: the edit recorded (which batch, which response)" \
	"$(q "SELECT count(*) FROM response_edit WHERE old_external_id = 'kobo:$A' AND new_external_id = 'kobo:$B' AND replaced_response_id = $old_a AND batch_id = 2 AND edited_at <> ''")" 1
expect_eq "second: n, replaced in the same file, not stored" "$(rid "$N1")" ""
[ -n "$(rid "$N2")" ] && ok "second: m stored in n's place" || fail "second: m not stored"
[ -n "$(rid "$O")" ] && ok "second: o, whose earlier version was never imported, stored once" || fail "second: o not stored"
expect_eq "second: the erased x not brought back by its edit" \
	"$(q "SELECT count(*) FROM response WHERE external_id IN ('kobo:$XX', 'kobo:$Y')")" 0
check_cells "second"

# Third: c edits b and d edits c, in one file: d takes b's (once a's) place.
old_b=$(rid "$B")
run "$COLLECTOR" import "$DB" "$F/third" "${MAP[@]}"
expect_rc "third" 0
check_counts "third" "$F/third"
expect_out "third" "1 replaced by edits"
expect_eq "third: people" "$(q 'SELECT count(*) FROM response')" 4
expect_eq "third: b and c not stored" "$(q "SELECT count(*) FROM response WHERE external_id IN ('kobo:$B', 'kobo:$C')")" 0
[ -n "$(rid "$D")" ] && ok "third: d is the person's response" || fail "third: d not stored"
expect_eq "third: the chain recorded" \
	"$(q "SELECT group_concat(substr(old_external_id, 17, 2) || '>' || substr(new_external_id, 17, 2), ' ') FROM (SELECT * FROM response_edit WHERE batch_id = 3 ORDER BY old_external_id)")" "02>03 03>04"
expect_eq "third: b's response replaced" "$(q "SELECT count(*) FROM response_edit WHERE replaced_response_id = $old_b")" 1
check_cells "third"

# Again: the same folders, and every submission at once in one folder, add nothing.
answers=$(q 'SELECT count(*) FROM answer')
for f in first second third; do
	run "$COLLECTOR" import "$DB" "$F/$f" "${MAP[@]}"
	expect_out "again $f" "already imported"
done
mkdir -p "$TMP/all" "$TMP/old-a"
cp "$F"/*/*.xml "$TMP/all/"
run "$COLLECTOR" import "$DB" "$TMP/all" "${MAP[@]}"
expect_rc "everything again" 0
expect_out "everything again" " 0 imported"
check_counts "everything again" "$TMP/all"
cp "$F/first/a-original.xml" "$TMP/old-a/"
run "$COLLECTOR" import "$DB" "$TMP/old-a" "${MAP[@]}"
expect_out "a alone again" "1 skipped: replaced by a later edit"
cp "$F/second/y-edit-of-erased.xml" "$TMP/old-a/"
run "$COLLECTOR" import "$DB" "$TMP/old-a" "${MAP[@]}"
expect_out "a and y again" "1 skipped: erased earlier"
expect_eq "again: people" "$(q 'SELECT count(*) FROM response')" 4
expect_eq "again: answers" "$(q 'SELECT count(*) FROM answer')" "$answers"
check_cells "again"

# A rejected edit in the middle of a chain: a, then b rejected, then c and d.
# d still takes a's place (one person), and b fixed later is not a second.
DB=$TMP/middle.db
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$F/first" "${MAP[@]}" >/dev/null
old_a=$(rid "$A")
mkdir -p "$TMP/bad-b"
sed 's/<event>RS-BUR-1</<event>RS-NOWHERE-9</' "$F/second/b-edit-of-a.xml" >"$TMP/bad-b/b.xml"
run "$COLLECTOR" import "$DB" "$TMP/bad-b" "${MAP[@]}"
expect_eq "middle: b rejected" "$(q "SELECT count(*) FROM reject WHERE response_key = 'kobo:$B'")" 1
expect_eq "middle: a kept meanwhile" "$(rid "$A")" "$old_a"
run "$COLLECTOR" import "$DB" "$F/third" "${MAP[@]}"
expect_out "middle: d replaces a through the rejected b" "1 replaced by edits"
expect_eq "middle: people" "$(q 'SELECT count(*) FROM response')" 3
expect_eq "middle: a's response went" "$(q "SELECT count(*) FROM response WHERE id = $old_a")" 0
mkdir -p "$TMP/fixed-b"
cp "$F/second/b-edit-of-a.xml" "$TMP/fixed-b/"
run "$COLLECTOR" import "$DB" "$TMP/fixed-b" "${MAP[@]}"
expect_out "middle: b fixed, older than d" "1 skipped: replaced by a later edit"
expect_eq "middle: still one person" "$(q 'SELECT count(*) FROM response')" 3

# The rejected edit fixed and imported again replaces a, and says so.
DB=$TMP/fixed.db
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$F/first" "${MAP[@]}" >/dev/null
old_a=$(rid "$A")
"$COLLECTOR" import "$DB" "$TMP/bad-b" "${MAP[@]}" >/dev/null
run "$COLLECTOR" import "$DB" "$TMP/fixed-b" "${MAP[@]}"
expect_out "fixed: b replaces a" "1 replaced by edits"
expect_eq "fixed: people" "$(q 'SELECT count(*) FROM response')" 3
expect_eq "fixed: the edit records the response it replaced" \
	"$(q "SELECT replaced_response_id FROM response_edit WHERE old_external_id = 'kobo:$A'")" "$old_a"

# Erasure: by the id the person first had, of a submission edited since;
# the rejected copy of that first version goes too, and no edit of the
# erased response brings it back.
DB=$TMP/erase.db
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
mkdir -p "$TMP/bad-a"
sed 's/<event>RS-BUR-1</<event>RS-NOWHERE-9</' "$F/first/a-original.xml" >"$TMP/bad-a/a.xml"
run "$COLLECTOR" import "$DB" "$TMP/bad-a" "${MAP[@]}"
expect_eq "erase: a rejected" "$(q "SELECT count(*) FROM reject WHERE response_key = 'kobo:$A'")" 1
run "$COLLECTOR" import "$DB" "$F/second" "${MAP[@]}"
[ -n "$(rid "$B")" ] && ok "erase: b, whose earlier version was rejected, stored" || fail "erase: b not stored"
"$COLLECTOR" import "$DB" "$F/third" "${MAP[@]}" >/dev/null
[ -n "$(rid "$D")" ] && ok "erase: d in b's place" || fail "erase: d not stored"
people=$(q 'SELECT count(*) FROM response')
run "$COLLECTOR" erase "$DB" --external-id "$A" --by "DPO" --reason "test" --yes
expect_rc "erase by the first id" 0
expect_eq "erase: d went" "$(q "SELECT count(*) FROM response WHERE external_id = 'kobo:$D'")" 0
expect_eq "erase: people left" "$(q 'SELECT count(*) FROM response')" "$((people - 1))"
expect_eq "erase: the rejected first version went" "$(q "SELECT count(*) FROM reject WHERE response_key = 'kobo:$A'")" 0
mkdir -p "$TMP/edit-of-erased"
sed -e "s/$D/$(iid 12)/" -e "s/$C/$D/" "$F/third/d-edit-of-c.xml" >"$TMP/edit-of-erased/e.xml"
run "$COLLECTOR" import "$DB" "$TMP/edit-of-erased" "${MAP[@]}"
expect_out "erase: an edit of the erased d" "1 skipped: erased earlier"
expect_eq "erase: not brought back" "$(q 'SELECT count(*) FROM response')" "$((people - 1))"


# An edit that replaces, in the same file, a version dated outside the
# exercise: the replaced version is not in the summary's count of responses
# flagged outside the dates, and nothing left is flagged.
DB=$TMP/dated.db
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$F/first" "${MAP[@]}" >/dev/null
"$COLLECTOR" import "$DB" "$F/second" "${MAP[@]}" >/dev/null
mkdir -p "$TMP/dated"
sed 's|<end>2019-07-01T10:04:00Z</end>|<end>2018-01-01T10:04:00Z</end>|' \
	"$F/third/c-edit-of-b.xml" >"$TMP/dated/c-edit-of-b.xml"
cp "$F/third/d-edit-of-c.xml" "$TMP/dated/"
grep -q '<end>2018-01-01' "$TMP/dated/c-edit-of-b.xml" || fail "dated: c's date not changed"
run "$COLLECTOR" import "$DB" "$TMP/dated" "${MAP[@]}"
expect_rc "dated: c outside, replaced by d" 0
expect_out "dated: c outside, replaced by d" "1 replaced by edits"
case $out in
*"dated outside"*) fail "dated: the replaced version counted as dated outside" "$out" ;;
*) ok "dated: the replaced version not counted as dated outside" ;;
esac
expect_eq "dated: nothing flagged" "$(q 'SELECT count(*) FROM response WHERE outside_dates = 1')" 0
expect_eq "dated: d stored" "$(q "SELECT count(*) FROM response WHERE external_id = 'kobo:$D'")" 1

finish
