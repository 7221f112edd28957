#!/usr/bin/env bash
# End-to-end: `analyser export --rows` against its output pinned in
# tests/expected (rows.csv, rows-rules-raw.csv, rows-derived.csv; made by
# the build before the rows were merged), on the samples with everything a
# row gathers from elsewhere: answers with several themes, review decisions
# (removed, added, accepted then removed, superseded), reasons with
# personal data in them, answers marked reviewed, an answer added to an
# early response after the others (its id out of the responses' order), an
# erased response, demographics (one question derived from another). The
# rows are read in streams merged by answer and response: a theme, a
# decision or a demographic put on the wrong row changes the bytes. The
# XLSX is made again byte for byte.
# usage: rows_pinned.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson;
#        TALLY_PIN=DIR writes the outputs there instead of comparing)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
EXPECTED=$(dirname "$0")/../expected
DB=$TMP/survey.db
RULES=$S/rules/twb-2019.rules.xml

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null
"$ANALYSER" tag "$DB" "$RULES" >/dev/null
q() { sqlite3 "$DB" "$1"; }

# An answer added to the first counted response after every other: its id
# is the largest, its response among the first (as an edit can leave it).
L=$(q "SELECT min(a.id) FROM answer a JOIN question qu ON qu.id = a.question_id
	JOIN response r ON r.id = a.response_id AND r.entry_status = 'accepted'
	WHERE qu.type = 'free-text' AND length(a.value) > 0
	AND (SELECT count(*) FROM tag t WHERE t.answer_id = a.id) >= 2")
q "PRAGMA foreign_keys = ON; BEGIN;
   CREATE TEMP TABLE moved AS SELECT * FROM answer WHERE id = $L;
   DELETE FROM answer WHERE id = $L;
   INSERT INTO answer (response_id, question_id, option_id, value, state, source_question_id)
   SELECT response_id, question_id, option_id, value, state, source_question_id FROM moved;
   COMMIT;"
"$ANALYSER" tag "$DB" "$RULES" >/dev/null
L2=$(q "SELECT max(id) FROM answer")
expect_eq "the moved answer is tagged again" "$(q "SELECT count(*) >= 2 FROM tag WHERE answer_id = $L2")" 1

# Decisions: a tag removed, a theme added (a reason with a phone number in
# it), a tag accepted then removed (the later decision in force), a tag
# accepted with no reason; two answers marked reviewed.
read -r A1 T1 <<<"$(q "SELECT t.answer_id, h.code FROM tag t JOIN theme h ON h.id = t.theme_id
	JOIN response r ON r.id = t.response_id AND r.entry_status = 'accepted'
	WHERE (SELECT count(*) FROM tag u WHERE u.answer_id = t.answer_id) >= 2
	ORDER BY t.answer_id, h.position LIMIT 1" | tr '|' ' ')"
read -r A2 T2 <<<"$(q "SELECT a.id, h.code FROM answer a JOIN question qu ON qu.id = a.question_id
	JOIN response r ON r.id = a.response_id AND r.entry_status = 'accepted'
	JOIN theme h ON h.parent_id IS NOT NULL
	WHERE qu.type = 'free-text' AND length(a.value) > 0 AND a.id > $A1
	AND NOT EXISTS (SELECT 1 FROM tag u WHERE u.answer_id = a.id AND u.theme_id = h.id)
	AND EXISTS (SELECT 1 FROM tag u WHERE u.answer_id = a.id)
	ORDER BY a.id, h.position LIMIT 1" | tr '|' ' ')"
read -r A3 T3 T4 <<<"$(q "SELECT t.answer_id, h.code, (SELECT k.code FROM tag u JOIN theme k ON k.id = u.theme_id
	WHERE u.answer_id = t.answer_id AND k.id <> h.id ORDER BY k.position LIMIT 1)
	FROM tag t JOIN theme h ON h.id = t.theme_id
	JOIN response r ON r.id = t.response_id AND r.entry_status = 'accepted'
	WHERE t.answer_id > $A2 AND (SELECT count(*) FROM tag u WHERE u.answer_id = t.answer_id) >= 2
	ORDER BY t.answer_id, h.position DESC LIMIT 1" | tr '|' ' ')"
[ -n "$A1" ] && [ -n "$A2" ] && [ -n "$A3" ] && [ -n "$T4" ] &&
	ok "picked answers $A1 ($T1 removed), $A2 ($T2 added), $A3 ($T3 accepted, then removed; $T4 accepted)" ||
	fail "no answers to review"
"$ANALYSER" review remove "$DB" "$A1" "$T1" --as asmith --reason "not about that" >/dev/null 2>&1
"$ANALYSER" review add "$DB" "$A2" "$T2" --as bjones --reason "ring 07700 900123 about it" >/dev/null 2>&1
"$ANALYSER" review accept "$DB" "$A3" "$T3" --as asmith --reason "first look" >/dev/null 2>&1
"$ANALYSER" review remove "$DB" "$A3" "$T3" --as bjones --reason "second look" >/dev/null 2>&1
"$ANALYSER" review accept "$DB" "$A3" "$T4" --as bjones >/dev/null 2>&1
"$ANALYSER" review mark "$DB" "$A1" "$A3" --as cdavies >/dev/null 2>&1
expect_eq "five decisions, two marks" "$(q "SELECT count(*) FROM review_decision")|$(q "SELECT count(*) FROM review_mark")" "5|2"

# An erased response: its rows go.
E=$(q "SELECT max(r.id) FROM response r JOIN tag t ON t.response_id = r.id WHERE r.entry_status = 'accepted'
	AND r.id NOT IN (SELECT response_id FROM answer WHERE id IN ($A1, $A2, $A3, $L2))")
"$COLLECTOR" erase "$DB" --response "$E" --by DPO --yes >/dev/null 2>&1
expect_eq "response $E erased" "$(q "SELECT count(*) FROM answer WHERE response_id = $E")" 0

# The rows, as counted and redacted; and the rules' alone, raw.
run "$ANALYSER" export "$DB" --rows "$TMP/rows.csv"
expect_rc "export --rows" 0
run "$ANALYSER" export "$DB" --rows "$TMP/rows-rules-raw.csv" --rules-only --raw-text
expect_rc "export --rows --rules-only --raw-text" 0
if [ -n "${TALLY_PIN:-}" ]; then
	cp "$TMP/rows.csv" "$TMP/rows-rules-raw.csv" "$TALLY_PIN/"
	ok "pinned in $TALLY_PIN"
else
	for f in rows.csv rows-rules-raw.csv; do
		if cmp -s "$EXPECTED/$f" "$TMP/$f"; then
			ok "$f: the pinned bytes"
		else
			fail "$f differs from tests/expected/$f" "$(diff "$EXPECTED/$f" "$TMP/$f" | head -8)"
		fi
	done
fi
# What the pinned files hold, so that they cannot pin nothing.
python3 - "$TMP/rows.csv" "$A1" "$A2" "$A3" "$L2" "$E" <<'PY' && rc=0 || rc=$?
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
a1, a2, a3, late, erased = sys.argv[2:]
by = {r["answer_id"]: r for r in rows}
assert all(r["response_id"] != erased for r in rows), "erased response"
assert "removed" in by[a1]["review"] and by[a1]["reviewed_by"] == "cdavies", by[a1]["review"]
assert "added" in by[a2]["review"] and "07700" not in by[a2]["review_reasons"], "reason not redacted"
assert by[a3]["review"].count(";") == 1 and "removed" in by[a3]["review"], by[a3]["review"]
assert by[a3]["review_reasons"] == "second look", by[a3]["review_reasons"]
assert by[a1]["themes"] != by[a1]["rule_themes"], "a removal shows"
assert by[late]["themes"].count(";") >= 1, "the late answer's themes"
order = [(int(r["response_id"]), int(r["answer_id"])) for r in rows]
assert order == sorted(order) and order.index((int(by[late]["response_id"]), int(late))) < len(order) - 1
assert sum(1 for r in rows if r["AGE"]) > 0 and sum(1 for r in rows if r["themes"].count(";")) > 0
print("checked", len(rows), "rows")
PY
expect_rc "rows hold the decisions, the late answer, demographics, not the erased" 0

# The workbook: dated by the exercise's closing date, the same bytes a second later.
run "$ANALYSER" export "$DB" --rows "$TMP/a.xlsx"
expect_rc "export --rows xlsx" 0
sleep 1.1
"$ANALYSER" export "$DB" --rows "$TMP/b.xlsx" >/dev/null 2>&1
cmp -s "$TMP/a.xlsx" "$TMP/b.xlsx" && ok "rows xlsx made again byte for byte" ||
	fail "rows xlsx differs between runs"
expect_eq "rows xlsx created on the closing date" \
	"$(python3 -c 'import re, sys, zipfile
print(re.search(r"<dcterms:created[^>]*>([^<]*)<", zipfile.ZipFile(sys.argv[1]).read("docProps/core.xml").decode()).group(1))' "$TMP/a.xlsx")" \
	"2019-08-25T00:00:00Z"
# Demographics through a derived question (the second half of the
# demographics view): AGE in three bands beside AGE. Pinned: each row's ids
# and demographic columns (rows-derived.csv).
D2=$TMP/derived.db
python3 - "$S/exercise-2019.xml" "$TMP/derived.xml" <<'PY'
import sys
s = open(sys.argv[1]).read()
i = s.index("  </questionnaire>")
open(sys.argv[2], "w").write(s[:i] + """    <derived code="AGE3" from="AGE">
      <text>What is your age? (three bands)</text>
      <group option="under-35" of="under-18 18-24 25-34">Under 35</group>
      <group option="35-64" of="35-44 45-54 55-64">35 to 64</group>
      <group option="65-plus" of="65-74 75-plus">65 or over</group>
      <group option="not-said" of="prefer-not">Prefer not to say</group>
    </derived>
""" + s[i:])
PY
"$COLLECTOR" init "$D2" "$TMP/derived.xml" >/dev/null
"$COLLECTOR" import "$D2" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$COLLECTOR" import "$D2" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null
"$ANALYSER" tag "$D2" "$RULES" >/dev/null
run "$ANALYSER" export "$D2" --rows "$TMP/derived.csv"
expect_rc "export --rows with a derived demographic question" 0
python3 - "$TMP/derived.csv" "$TMP/rows-derived.csv" <<'PY' && rc=0 || rc=$?
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
first = rows[0].index("review_reasons") + 1
with open(sys.argv[2], "w", newline="") as out:
    w = csv.writer(out, lineterminator="\n")
    for r in rows:
        w.writerow(r[:2] + r[first:])
assert rows[0][-2:] == ["AGE3", "AGE3_label"], rows[0][-2:]
assert sum(1 for r in rows[1:] if r[-2]) > 0
PY
expect_rc "the derived question's columns" 0
if [ -n "${TALLY_PIN:-}" ]; then
	cp "$TMP/rows-derived.csv" "$TALLY_PIN/"
else
	cmp -s "$EXPECTED/rows-derived.csv" "$TMP/rows-derived.csv" && ok "rows-derived.csv: the pinned bytes" ||
		fail "rows-derived.csv differs from tests/expected/rows-derived.csv" \
			"$(diff "$EXPECTED/rows-derived.csv" "$TMP/rows-derived.csv" | head -8)"
fi
finish
