#!/usr/bin/env bash
# End-to-end: "we did" actions and the Healthwatch export (XLSX, CSV, XML)
# over the samples: the workbook's cells read back from its sheet XML match
# the CSV, which matches `analyser counts`; files are private and
# reproducible; bad command lines are refused.
# usage: export.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
run "$ANALYSER" export "$DB" --healthwatch "$TMP/early.csv"
expect_rc "export before tagging" 2
expect_err "export before tagging" "nothing is tagged yet"
run "$ANALYSER" action add "$DB" --theme STAFF --text "More nurses"
expect_rc "action before tagging" 2
expect_err "action before tagging" "nothing is tagged yet"
for f in google-forms-online surveymonkey-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null

# --- actions -------------------------------------------------------------------
run "$ANALYSER" action add "$DB" --theme access-parking --owner "Estates team" --date 2019-11-01 \
	--text "120 more parking spaces at Royal Stoke."
expect_rc "action add" 0
expect_out "action add" "action 1 recorded for ACCESS-PARKING (Parking)"
run "$ANALYSER" action add "$DB" --theme STAFF-SHORTAGE --text - <<'TXT'
We recruited 60 nurses from overseas.
They started in October.
TXT
expect_rc "action text from standard input" 0
run "$ANALYSER" action list "$DB"
expect_out "action list" "1  ACCESS-PARKING (Parking), 2019-11-01, Estates team"
expect_out "action list keeps lines" "    They started in October."
run "$ANALYSER" action edit "$DB" 2 --owner "Workforce board" --date 2019-10-01
expect_rc "action edit" 0
expect_eq "edit stored" "$(sqlite3 "$DB" "SELECT owner || '|' || action_date || '|' || (updated_at IS NOT NULL) FROM action WHERE id = 2")" "Workforce board|2019-10-01|1"
run "$ANALYSER" action list "$DB" --theme access-parking
case "$out" in *STAFF-SHORTAGE*) fail "action list --theme shows other themes" ;; *) ok "action list --theme" ;; esac
run "$ANALYSER" action add "$DB" --theme NOPE --text x
expect_rc "action for an unknown theme" 2
expect_err "action for an unknown theme" "no theme 'NOPE'"
run "$ANALYSER" action add "$DB" --theme STAFF --text "   "
expect_rc "empty action" 2
# White space is one set (common/trim.h): a carriage return or a vertical tab
# is no more text than a space is.
run "$ANALYSER" action add "$DB" --theme STAFF --text "$(printf ' \r\v\f ')"
expect_rc "action of white space only" 2
expect_err "action of white space only" "the action's text is empty"
printf 'Typed in.\t\r\n\n' | "$ANALYSER" action add "$DB" --theme STAFF --text - >/dev/null
expect_eq "typed action: white space off its end" \
	"$(sqlite3 "$DB" "SELECT hex(text) FROM action WHERE theme_code = 'STAFF'")" \
	"$(printf 'Typed in.' | od -An -tx1 | tr -d ' \n' | tr a-f A-F)"
sqlite3 "$DB" "DELETE FROM action WHERE theme_code = 'STAFF'"
run "$ANALYSER" action add "$DB" --theme STAFF --text x --date 2019-02-29
expect_rc "no 29 February in 2019" 2
run "$ANALYSER" action add "$DB" --theme STAFF --text "$(printf 'bad \377 byte')"
expect_rc "invalid UTF-8 action" 2
expect_err "invalid UTF-8 action" "not valid UTF-8"
run "$ANALYSER" action edit "$DB" 99 --text x
expect_rc "edit a missing action" 2
run "$ANALYSER" action remove "$DB" 1
expect_rc "action remove" 0
expect_eq "one action left" "$(sqlite3 "$DB" "SELECT count(*) FROM action")" 1
run "$ANALYSER" action remove "$DB" 1
expect_rc "remove twice" 2

# --- the Healthwatch export ------------------------------------------------------
for f in xlsx csv xml; do
	run "$ANALYSER" export "$DB" --healthwatch "$TMP/hw.$f"
	expect_rc "export $f" 0
	expect_eq "export $f is private" "$(stat -c %a "$TMP/hw.$f")" 600
	"$ANALYSER" export "$DB" --healthwatch "$TMP/again.$f" >/dev/null
	cmp -s "$TMP/hw.$f" "$TMP/again.$f" && ok "export $f is reproducible" || fail "export $f differs between runs"
done
# Every table the issue names is there.
for t in "Theme by district" "Theme by channel" "Theme by AGE" "Theme by SEX" "Theme by ETHNICITY" "Theme by DISABILITY" "Theme by CARER"; do
	grep -q "^$t," "$TMP/hw.csv" && ok "csv has $t" || fail "csv lacks $t"
done
# The district table is exactly what `analyser counts --format csv` publishes.
"$ANALYSER" counts "$DB" --format csv >"$TMP/counts.csv"
python3 - "$TMP/hw.csv" "$TMP/counts.csv" <<'PY' && ok "district table equals analyser counts" || fail "district table differs from analyser counts"
import csv, sys
hw = [r for r in csv.DictReader(open(sys.argv[1])) if r["table"] == "Theme by district"]
ct = list(csv.DictReader(open(sys.argv[2])))
a = [(r["theme"], r["value"], r["respondents_mentioning"], r["respondents"]) for r in hw]
b = [(r["theme"], r["district"], r["respondents_mentioning"], r["respondents"]) for r in ct]
assert a == b, (len(a), len(b), [x for x in zip(a, b) if x[0] != x[1]][:3])
PY
# The workbook opens: read each sheet's XML back and compare it with the CSV.
python3 - "$TMP/hw.xlsx" "$TMP/hw.csv" <<'PY' && ok "xlsx sheets match the csv cell by cell" || fail "xlsx does not match the csv"
import csv, re, sys, zipfile
import xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
shared = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
target = {r.get("Id"): r.get("Target") for r in rels}
def cells(path):
    out = {}
    for c in ET.fromstring(z.read("xl/" + path)).iter("{%s}c" % ns["m"]):
        ref, t, v = c.get("r"), c.get("t"), c.find("m:v", ns)
        isv = c.find("m:is/m:t", ns)
        val = shared[int(v.text)] if t == "s" else (isv.text if t == "inlineStr" else (v.text if v is not None else ""))
        m = re.match(r"([A-Z]+)(\d+)", ref)
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        out[int(m.group(2)), col] = val
    return out
sheets = {s.get("name"): cells(target[s.get("{%s}id" % ns["r"])]) for s in wb.find("m:sheets", ns)}
assert "Notes" in sheets, sheets.keys()
rows = list(csv.DictReader(open(sys.argv[2])))
checked = 0
for name, sheet in sheets.items():
    if name == "Notes":
        continue
    recs = [r for r in rows if r["table"] == name]
    assert recs, name
    heads = {}
    col = 3
    while (4, col) in sheet:
        heads[sheet[4, col]] = col
        col += 1
    row_of = {}
    r = 5
    while (r, 1) in sheet:
        row_of[sheet[r, 1]] = r
        r += 1
    for rec in recs:
        got = sheet[row_of[rec["theme"]], heads[rec["value_label"]]]
        got = got if got == "*" else str(int(float(got)))
        assert got == rec["respondents_mentioning"], (name, rec, got)
        checked += 1
notes = sheets["Notes"]
text = " ".join(notes.values())
assert "Counts from 1 to 7 are shown as *" in text and "Threshold" in text and "SHA-256" in text, text
print("checked", checked, "cells")
PY
python3 -c 'import sys, xml.etree.ElementTree as E; r=E.parse(sys.argv[1]).getroot(); assert len(r.findall("table")) == 7 and r.find("notes/note") is not None' "$TMP/hw.xml" \
	&& ok "xml export parses: 7 tables and notes" || fail "xml export broken"
python3 - "$TMP/hw.xml" "$TMP/hw.csv" <<'PY' && ok "xml cells equal csv cells" || fail "xml differs from csv"
import csv, sys, xml.etree.ElementTree as E
x = [(t.get("title"), c.get("theme"), c.get("value"), c.get("count"), c.get("respondents"))
     for t in E.parse(sys.argv[1]).getroot().findall("table") for c in t.findall("cell")]
c = [(r["table"], r["theme"], r["value"], r["respondents_mentioning"], r["respondents"])
     for r in csv.DictReader(open(sys.argv[2])) if r["table"] != "Notes"]
assert x == c
PY
grep -q 'Produced by,,,Tally analyser [0-9.]*,' "$TMP/hw.csv" && ok "no date unless --stamp" || fail "a date without --stamp"
"$ANALYSER" export "$DB" --healthwatch "$TMP/stamped.csv" --stamp >/dev/null
grep -q 'Produced by,,,Tally analyser [0-9.]* on 20' "$TMP/stamped.csv" && ok "--stamp dates the notes" || fail "--stamp missing"
# As report --stamp does, SOURCE_DATE_EPOCH gives the time, so a stamped
# export can be made again byte for byte.
SOURCE_DATE_EPOCH=1575158400 "$ANALYSER" export "$DB" --healthwatch "$TMP/epoch1.csv" --stamp >/dev/null
SOURCE_DATE_EPOCH=1575158400 "$ANALYSER" export "$DB" --healthwatch "$TMP/epoch2.csv" --stamp >/dev/null
grep -q 'Produced by,,,Tally analyser [0-9.]* on 2019-12-01 00:00 UTC' "$TMP/epoch1.csv" &&
	ok "--stamp takes the time from SOURCE_DATE_EPOCH" || fail "--stamp ignores SOURCE_DATE_EPOCH"
cmp -s "$TMP/epoch1.csv" "$TMP/epoch2.csv" && ok "a stamped export is made again byte for byte" ||
	fail "two stamped exports at one SOURCE_DATE_EPOCH differ"
"$ANALYSER" export "$DB" --healthwatch "$TMP/dhsc.csv" --threshold 10 >/dev/null
grep -q 'Counts from 1 to 9 are shown as' "$TMP/dhsc.csv" && ok "the notes follow --threshold" || fail "notes ignore --threshold"

# A threshold that hides nothing is refused unless --no-suppress says so,
# and what was done is said right (never "counts from 1 to -1 hidden").
for t in 0 1; do
	run "$ANALYSER" export "$DB" --healthwatch "$TMP/t$t.csv" --threshold $t --rounding 1
	expect_rc "export --threshold $t --rounding 1 refused" 2
	expect_err "export --threshold $t" "--threshold $t hides no count, so the export would publish counts as they are"
	[ ! -e "$TMP/t$t.csv" ] && ok "export --threshold $t: no file" || fail "export --threshold $t wrote a file"
done
run "$ANALYSER" export "$DB" --healthwatch "$TMP/raw.csv" --no-suppress
expect_rc "export --no-suppress" 0
expect_out "export --no-suppress says what it did" "no count hidden, counts exact"
expect_err "export --no-suppress warns" "do not publish this"
case "$out" in *"1 to -1"*|*"1 to 0"*) fail "export says a nonsense range" "$out" ;; *) ok "no nonsense range" ;; esac
grep -q 'None: counts are exact. Not for publication.' "$TMP/raw.csv" && ok "the raw export's notes say not for publication" || fail "raw export notes"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/t2.csv" --threshold 2 --rounding 1
expect_rc "export --threshold 2" 0
expect_out "export --threshold 2 says so" "counts of 1 hidden, others exact"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/nhs.csv"
expect_out "export says the NHS rule" "counts from 1 to 7 hidden, others rounded to 5"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/hw.pdf"
expect_rc "unknown export format" 2
run "$ANALYSER" export "$DB"
expect_rc "export without a file" 2
run "$ANALYSER" export "$DB" --healthwatch /nonexistent/dir/hw.xlsx
expect_rc "unwritable export" 3
run "$ANALYSER" export "$DB" --healthwatch "$TMP/x.csv" --rounding 0
expect_rc "rounding 0" 2
left=$(ls "$TMP" | grep -c 'tmp-' || true)
expect_eq "no temporary files left behind" "$left" 0
finish
