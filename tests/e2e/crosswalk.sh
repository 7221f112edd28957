#!/usr/bin/env bash
# End-to-end: the theme report laid onto a recipient's frame. The default
# crosswalk (samples/crosswalks/healthwatch.xml) changes nothing; the NHS
# England example gives each category exactly its theme's published cells
# under the recipient's headings; bad crosswalks are refused with file:line.
# usage: crosswalk.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
C=$S/crosswalks
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
for f in google-forms-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null

# The default crosswalk is the Healthwatch layout: the same bytes as without one.
for f in csv xlsx; do
	"$ANALYSER" export "$DB" --healthwatch "$TMP/plain.$f" >/dev/null
	run "$ANALYSER" export "$DB" --healthwatch "$TMP/hw.$f" --crosswalk "$C/healthwatch.xml"
	expect_rc "healthwatch crosswalk $f" 0
	cmp -s "$TMP/plain.$f" "$TMP/hw.$f" && ok "healthwatch crosswalk $f: same as the default" ||
		fail "healthwatch crosswalk $f differs from the default"
done

# The NHS England example: each category is its theme's row, relabelled.
run "$ANALYSER" export "$DB" --healthwatch "$TMP/nhse.csv" --crosswalk "$C/nhse-feedback-framework.xml"
expect_rc "nhse crosswalk csv" 0
run "$ANALYSER" export "$DB" --healthwatch "$TMP/nhse.xlsx" --tables "$TMP/nhse-t.csv" \
	--crosswalk "$C/nhse-feedback-framework.xml"
expect_rc "nhse crosswalk xlsx and tables" 0
run python3 - "$TMP" "$C/nhse-feedback-framework.xml" <<'PY'
import csv, os, re, sys, zipfile
import xml.etree.ElementTree as ET
d = sys.argv[1]
cats = [(c.get("code"), c.get("label"), c.get("theme")) for c in ET.parse(sys.argv[2]).getroot().iter("category")]
plain = [r for r in csv.DictReader(open(os.path.join(d, "plain.csv"))) if r["table"] != "Notes"]
nhse = [r for r in csv.DictReader(open(os.path.join(d, "nhse.csv"))) if r["table"] != "Notes"]
by = {(r["table"].replace("Theme by", "Feedback by"), r["theme"], r["value"]): r for r in plain}
# The recipient's categories in their order, then any category.
order = list(dict.fromkeys(r["theme"] for r in nhse if r["table"] == "Feedback by district"))
assert order == [c for c, _, _ in cats] + ["(any)"], order
for r in nhse:
    code = r["theme"]
    theme = next((t for c, _, t in cats if c == code), "(any)")
    p = by[(r["table"], theme, r["value"])]
    for f in ("respondents_mentioning", "respondents", "percent"):
        assert r[f] == p[f], (r, p, f)
    if code != "(any)":
        assert r["theme_label"] == next(l for c, l, _ in cats if c == code)
    else:
        assert r["theme_label"] == "Any category", r
tables = list(csv.DictReader(open(os.path.join(d, "nhse-t.csv"))))
assert {r["theme_code"] for r in tables} == {c for c, _, _ in cats} | {"(any)"}
# The workbook speaks the recipient's words.
z = zipfile.ZipFile(os.path.join(d, "nhse.xlsx"))
strings = z.read("xl/sharedStrings.xml").decode()
for w in ("Category code", "Feedback category", "People giving feedback", "Feedback by district",
          "NHS England (example)"):
    assert w in strings, w
assert "Theme code" not in strings
print("checked", len(nhse), "cells")
PY
expect_rc "nhse categories carry their themes' published cells, in the recipient's words" 0
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -5

# A category of several unrelated themes: its own count, each respondent once.
cat >"$TMP/merged.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<crosswalk recipient="ICB">
  <category code="PRIMARY" label="GP or pharmacy" theme="GP-ACCESS COMMUNITY-PHARMACY"/>
  <category code="ACCESS" label="Access" theme="ACCESS"/>
</crosswalk>
XML
run "$ANALYSER" export "$DB" --tables "$TMP/merged.csv" --crosswalk "$TMP/merged.xml" --no-suppress
expect_rc "a merged category" 0
run python3 - "$DB" "$TMP/merged.csv" <<'PY'
import csv, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = list(csv.DictReader(open(sys.argv[2])))
def published(code, table, value):
    return [int(r["respondents_mentioning"]) for r in rows
            if r["theme_code"] == code and r["table"].endswith(table) and r["value_code"] == value]
distinct = db.execute("SELECT count(DISTINCT response_id) FROM count_inputs "
                      "WHERE theme IN ('GP-ACCESS', 'COMMUNITY-PHARMACY')").fetchone()[0]
parts = sum(db.execute("SELECT count(DISTINCT response_id) FROM count_inputs WHERE theme = ?",
                       (t,)).fetchone()[0] for t in ("GP-ACCESS", "COMMUNITY-PHARMACY"))
got = published("PRIMARY", "district", "(all)")
assert got == [distinct], (got, distinct)
assert distinct < parts, (distinct, parts)  # the sample has people mentioning both
for d, in db.execute("SELECT DISTINCT district_code FROM count_inputs WHERE theme IN "
                     "('GP-ACCESS', 'COMMUNITY-PHARMACY') AND district_code LIKE 'E%'"):
    want = db.execute("SELECT count(DISTINCT response_id) FROM count_inputs WHERE theme IN "
                      "('GP-ACCESS', 'COMMUNITY-PHARMACY') AND district_code = ?", (d,)).fetchone()[0]
    assert published("PRIMARY", "district", d) == [want], (d, want)
print("merged:", distinct, "respondents; the parts add up to", parts)
PY
expect_rc "a merged category counts each respondent once, by district too" 0
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -5
run "$ANALYSER" export "$DB" --tables "$TMP/merged-sdc.csv" --crosswalk "$TMP/merged.xml"
expect_rc "a merged category under disclosure control" 0

# Bad crosswalks: where and why.
cat >"$TMP/unknown.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<crosswalk recipient="ICB">
  <category code="A" label="Access" theme="ACCESS"/>
  <category code="B" label="Beds" theme="NO-SUCH-THEME"/>
</crosswalk>
XML
run "$ANALYSER" export "$DB" --healthwatch "$TMP/bad.csv" --crosswalk "$TMP/unknown.xml"
expect_rc "a category naming an unknown theme" 1
expect_err "a category naming an unknown theme" "$TMP/unknown.xml:4: category 'B' names theme 'NO-SUCH-THEME', which the rule set does not have"
[ ! -e "$TMP/bad.csv" ] && ok "nothing written for a bad crosswalk" || fail "a bad crosswalk wrote the export"
cat >"$TMP/twice.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<crosswalk recipient="ICB">
  <category code="A" label="Access" theme="ACCESS"/>
  <category code="A" label="Again" theme="STAFF"/>
</crosswalk>
XML
run "$ANALYSER" export "$DB" --healthwatch "$TMP/bad.csv" --crosswalk "$TMP/twice.xml"
expect_rc "a category twice" 1
expect_err "a category twice" "$TMP/twice.xml:4: category 'A' is there twice (first at line 3)"
cat >"$TMP/shape.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<crosswalk recipient="ICB">
  <category code="A" label="Access"/>
</crosswalk>
XML
run "$ANALYSER" export "$DB" --healthwatch "$TMP/bad.csv" --crosswalk "$TMP/shape.xml"
expect_rc "a category without its theme" 1
expect_err "a category without its theme" "$TMP/shape.xml:3"
cat >"$TMP/blank.xml" <<'XML'
<?xml version="1.0" encoding="UTF-8"?>
<crosswalk recipient="ICB">
  <title>   </title>
  <all-themes/>
</crosswalk>
XML
run "$ANALYSER" export "$DB" --healthwatch "$TMP/bad.csv" --crosswalk "$TMP/blank.xml"
expect_rc "a title of spaces only" 1
expect_err "a title of spaces only" "$TMP/blank.xml:3: the title is blank"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/bad.csv" --crosswalk "$TMP/missing.xml"
expect_rc "a missing crosswalk" 2
run "$ANALYSER" export "$DB" --rows "$TMP/rows.csv" --crosswalk "$C/healthwatch.xml"
expect_rc "--crosswalk with rows only" 2
finish
