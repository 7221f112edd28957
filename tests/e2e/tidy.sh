#!/usr/bin/env bash
# End-to-end: the exports as data. `analyser export --tables` (CSV and XLSX)
# and `--rows`, read back with Python's csv and zipfile: one header row,
# numeric cells numeric, every total flagged, the same numbers as the
# Healthwatch layout, Excel tables with their page setup, and a dictionary
# beside each that covers every column; rows redacted unless asked.
# usage: tidy.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
for f in google-forms-online surveymonkey-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null

# --- the tables as data ---------------------------------------------------------
run "$ANALYSER" export "$DB" --healthwatch "$TMP/hw.csv" --tables "$TMP/t.csv"
expect_rc "export --tables csv with --healthwatch" 0
expect_out "export --tables" "wrote $TMP/t.csv: the same tables as data"
for f in t.csv t.notes.csv t.dictionary.csv; do
	expect_eq "$f is private" "$(stat -c %a "$TMP/$f" 2>&1)" 600
done
run "$ANALYSER" export "$DB" --tables "$TMP/t.xlsx"
expect_rc "export --tables xlsx" 0
expect_eq "t.xlsx is private" "$(stat -c %a "$TMP/t.xlsx")" 600
[ -s "$TMP/t.xlsx.dictionary.csv" ] && ok "xlsx: dictionary beside it" || fail "xlsx: no dictionary beside it"
"$ANALYSER" export "$DB" --tables "$TMP/again.xlsx" >/dev/null
"$ANALYSER" export "$DB" --tables "$TMP/again.csv" >/dev/null
cmp -s "$TMP/t.csv" "$TMP/again.csv" && ok "tables csv reproducible" || fail "tables csv differs between runs"
cmp -s "$TMP/t.xlsx" "$TMP/again.xlsx" && ok "tables xlsx reproducible" || fail "tables xlsx differs between runs"

run python3 - "$TMP" <<'PY'
import csv, os, re, sys, zipfile
import xml.etree.ElementTree as ET
d = sys.argv[1]
def rows(p):
    with open(p, newline="") as f:
        return list(csv.reader(f))
t = rows(os.path.join(d, "t.csv"))
head, body = t[0], t[1:]
# One header row: no other row repeats a header, every row is as wide.
assert all(r != head for r in body) and all(len(r) == len(head) for r in body), "ragged or repeated header"
H = {h: i for i, h in enumerate(head)}
nums = ["respondents_mentioning", "respondents"]
seen_status = set()
for r in body:
    for n in nums:
        v, s = r[H[n]], r[H[n + "_status"]]
        seen_status.add(s)
        assert s in ("shown", "rounded", "suppressed"), s
        assert (v == "") == (s == "suppressed"), (n, v, s)
        assert v == "" or re.fullmatch(r"\d+", v), ("not a number", n, v)
    assert r[H["percent"]] == "" or float(r[H["percent"]]) <= 100
    # Every total flagged, and only totals.
    all_, any_ = r[H["value_code"]] == "(all)", r[H["theme_code"]] == "(any)"
    want = "both" if all_ and any_ else "dimension" if all_ else "theme" if any_ else "none"
    assert r[H["total"]] == want, (r, want)
    # Codes and labels apart: a district's code is its ONS code, its label the name.
    if r[H["dimension"]] == "district" and not r[H["value_code"]].startswith("("):
        assert re.fullmatch(r"E0\d{7}", r[H["value_code"]]) and r[H["value_label"]], r
assert {"rounded", "suppressed"} <= seen_status, seen_status
# Parents are themes of the file.
codes = {r[H["theme_code"]] for r in body}
assert all(r[H["theme_parent"]] in codes or r[H["theme_parent"]] == "" for r in body)
assert any(r[H["theme_parent"]] for r in body), "no sub-theme has a parent"
# The same numbers as the Healthwatch layout, cell for cell.
hw = list(csv.DictReader(open(os.path.join(d, "hw.csv"))))
hwk = {(r["table"], r["theme"], r["value"]): r["respondents_mentioning"] for r in hw if r["table"] != "Notes"}
assert len(hwk) == len(body), (len(hwk), len(body))
for r in body:
    v = r[H["respondents_mentioning"]] or "*"
    assert hwk[(r[H["table"]], r[H["theme_code"]], r[H["value_code"]])] == v, r
# Notes apart, and nothing but notes there.
notes = rows(os.path.join(d, "t.notes.csv"))
assert notes[0] == ["note", "value"] and any(n[0] == "Threshold" for n in notes), notes[:3]
# The dictionary covers every column, and only columns of the file.
# The Healthwatch layout's dictionary covers its columns too.
hwd = [c["column"] for c in csv.DictReader(open(os.path.join(d, "hw.dictionary.csv")))]
assert hwd == next(csv.reader(open(os.path.join(d, "hw.csv")))), hwd
dic = list(csv.DictReader(open(os.path.join(d, "t.dictionary.csv"))))
assert [c["column"] for c in dic] == head, [c["column"] for c in dic]
assert all(c["type"] and c["meaning"] for c in dic)
assert "E07000192" in next(c for c in dic if c["column"] == "value_code")["allowed_values"]

# The workbook: one Excel table a sheet, frozen header, landscape, fit to width,
# header repeated on every page; numbers as numbers; Notes and Dictionary sheets.
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}
z = zipfile.ZipFile(os.path.join(d, "t.xlsx"))
assert z.testzip() is None
shared = [("".join(x.text or "" for x in si.iter("{%s}t" % ns["m"])))
          for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns)]
wb = ET.fromstring(z.read("xl/workbook.xml"))
rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
names = [s.get("name") for s in wb.find("m:sheets", ns)]
assert names[-2:] == ["Notes", "Dictionary"], names
defined = " ".join(x.text for x in wb.iter("{%s}definedName" % ns["m"]))
tables = [n for n in z.namelist() if n.startswith("xl/tables/")]
assert len(tables) == len(names), (tables, names)
for t in tables:
    tx = ET.fromstring(z.read(t))
    assert tx.find("m:autoFilter", ns) is not None, (t, "no filter buttons")
    heads = [c.get("name") for c in tx.find("m:tableColumns", ns)]
    assert len({h.lower() for h in heads}) == len(heads), (t, heads)
checked = 0
for s in wb.find("m:sheets", ns):
    path = "xl/" + rels[s.get("{%s}id" % ns["r"])]
    x = ET.fromstring(z.read(path))
    assert x.find(".//m:pane[@state='frozen']", ns) is not None, (s.get("name"), "not frozen")
    ps = x.find("m:pageSetup", ns)
    assert ps is not None and ps.get("orientation") == "landscape" and ps.get("fitToHeight") == "0", s.get("name")
    assert x.find("m:sheetPr/m:pageSetUpPr[@fitToPage='1']", ns) is not None, s.get("name")
    assert x.find("m:tableParts", ns) is not None, s.get("name")
    assert "'%s'!$1:$1" % s.get("name") in defined or "%s!$1:$1" % s.get("name") in defined, (s.get("name"), defined)
    if s.get("name") in ("Notes", "Dictionary"):
        continue
    grid = {}
    for c in x.iter("{%s}c" % ns["m"]):
        m = re.match(r"([A-Z]+)(\d+)", c.get("r"))
        col = 0
        for ch in m.group(1):
            col = col * 26 + ord(ch) - 64
        v = c.find("m:v", ns)
        grid[int(m.group(2)), col] = (c.get("t"), shared[int(v.text)] if c.get("t") == "s" else v.text)
    hdr = [grid[1, i + 1][1] for i in range(len(head))]
    assert hdr == head, hdr
    r = 2
    while (r, 1) in grid:
        for n in nums:
            cell = grid.get((r, H[n] + 1))
            st = grid[r, H[n + "_status"] + 1][1]
            assert (cell is None) == (st == "suppressed"), (r, n, cell, st)
            assert cell is None or cell[0] is None, ("a count stored as text", cell)
        checked += 1
        r += 1
assert checked == len(body), (checked, len(body))
dsheet = [n for n in names]
print("checked", checked, "rows in", len(names) - 2, "sheets")
PY
expect_rc "tables read back: header, numbers, totals, status, dictionary, workbook layout" 0
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -5

# --- rows -----------------------------------------------------------------------
run "$ANALYSER" export "$DB" --rows "$TMP/rows.csv"
expect_rc "export --rows csv" 0
expect_out "export --rows says it is not for publication" "not for publication"
case "$err" in *raw-text*) fail "redacted rows warn about raw text" ;; *) ok "redacted rows: no warning" ;; esac
run "$ANALYSER" export "$DB" --rows "$TMP/raw.csv" --raw-text
expect_rc "export --rows --raw-text" 0
expect_err "--raw-text warns" "holds what respondents wrote as they wrote it"
run "$ANALYSER" export "$DB" --rows "$TMP/rows.xlsx"
expect_rc "export --rows xlsx" 0
expect_eq "rows.csv is private" "$(stat -c %a "$TMP/rows.csv")" 600
run python3 - "$TMP" "$DB" <<'PY'
import csv, os, re, sqlite3, sys, zipfile
d, dbp = sys.argv[1], sys.argv[2]
rows = list(csv.reader(open(os.path.join(d, "rows.csv"), newline="")))
head, body = rows[0], rows[1:]
H = {h: i for i, h in enumerate(head)}
db = sqlite3.connect("file:%s?mode=ro" % dbp, uri=True)
n = db.execute("SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id JOIN response r "
               "ON r.id = a.response_id WHERE q.type = 'free-text' AND a.state = 'answered' "
               "AND length(a.value) > 0 AND r.entry_status IN ('accepted', 'verified')").fetchone()[0]
assert len(body) == n, (len(body), n)
for c in ["response_id", "answer_id", "channel", "form", "event_code", "district_code", "district_name",
          "question", "answer_text", "themes", "AGE", "AGE_label"]:
    assert c in H, c
assert all(re.fullmatch(r"\d+", r[H["response_id"]]) for r in body)
assert any(r[H["AGE"]] for r in body) and any(r[H["themes"]] for r in body)
# Themes are the tags of the answer.
aid, themes = next((r[H["answer_id"]], r[H["themes"]]) for r in body if ";" in r[H["themes"]])
want = sorted(t for (t,) in db.execute("SELECT h.code FROM tag t JOIN theme h ON h.id = t.theme_id "
                                        "WHERE t.answer_id = ?", (aid,)))
assert sorted(themes.split("; ")) == want, (themes, want)
# Redacted by default: the raw file has personal data the redacted one lacks.
raw = list(csv.reader(open(os.path.join(d, "raw.csv"), newline="")))[1:]
assert len(raw) == len(body)
red = [r[H["answer_text"]] for r in body]
assert all(r[H["answer_text_redacted"]] == "yes" for r in body)
assert all(r[H["answer_text_redacted"]] == "no" for r in raw)
assert any("[" in t and t != r[H["answer_text"]] for t, r in zip(red, raw)), "nothing redacted in the samples"
assert not any(re.search(r"[\w.]+@[\w.]+\.\w+", t) for t in red), "an e-mail address left in"
dic = list(csv.DictReader(open(os.path.join(d, "rows.dictionary.csv"))))
assert [c["column"] for c in dic] == head, ([c["column"] for c in dic], head)
assert all(c["type"] and c["meaning"] for c in dic)
assert "E07000192" in next(c for c in dic if c["column"] == "district_code")["allowed_values"]
z = zipfile.ZipFile(os.path.join(d, "rows.xlsx"))
assert z.testzip() is None and any(n.startswith("xl/tables/") for n in z.namelist())
wb = z.read("xl/workbook.xml").decode()
assert 'name="Responses"' in wb and 'name="Dictionary"' in wb
print("checked", len(body), "rows")
PY
expect_rc "rows read back: one per answer, themes, redaction, dictionary" 0
[ "$rc" -eq 0 ] || printf '%s\n' "$err" | tail -5

# docs/export.md documents every column of both exports (a demographic question's two as CODE).
DOC=$(dirname "$0")/../../docs/export.md
for f in t.csv rows.csv; do
	for c in $(head -1 "$TMP/$f" | tr ',' ' '); do
		case "$c" in AGE|SEX|ETHNICITY|DISABILITY|CARER) c=CODE ;; *_label) case "$c" in theme_label|value_label) ;; *) c=CODE_label ;; esac ;; esac
		grep -q "^| \`$c\` |" "$DOC" || fail "docs/export.md does not document $f's column $c"
	done
done
ok "docs/export.md documents every column"

# --- the command line -------------------------------------------------------------
run "$ANALYSER" export "$DB" --tables "$TMP/t.xml"
expect_rc "--tables as xml" 2
expect_err "--tables as xml" "give --tables a name ending .xlsx or .csv"
run "$ANALYSER" export "$DB" --raw-text --tables "$TMP/t.csv"
expect_rc "--raw-text without --rows" 2
run "$ANALYSER" export "$DB"
expect_rc "no output" 2
expect_err "no output" "--healthwatch FILE, --tables FILE, --rows FILE, --codebook FILE or --qdpx FILE"
run "$ANALYSER" export --help
expect_out "--help says who rows are for" "for analysts inside the organisation, not for publication"
finish
