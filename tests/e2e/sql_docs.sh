#!/usr/bin/env bash
# End-to-end: every example of docs/sql.md runs against a tagged sample
# database: each ```sql block through sqlite3 -readonly, each ```python
# block with python3 (pandas ones skipped, saying so, when pandas is not
# installed), the ```r block with Rscript when R and RSQLite are installed.
# Each must succeed and print something; the database must not change.
# usage: sql_docs.sh COLLECTOR ANALYSER DOCS/SQL.MD   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
DOC=$3
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
W=$TMP/work
mkdir -p "$W"
DB=$W/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
for f in google-forms-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" -q >/dev/null
done
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null
"$ANALYSER" export "$DB" --tables "$W/tables.csv" >/dev/null
# A coded sample stored in the database: the sample gold file's rows for the
# responses imported here, with their coders' notes.
python3 - "$S/gold/twb-2019-gold.csv" "$W/audit.csv" \
	"$(sqlite3 "$DB" "SELECT group_concat(coalesce(external_id, serial), char(10)) FROM response")" <<'PY'
import csv, sys
have = set(sys.argv[3].split("\n"))
with open(sys.argv[1], newline="") as f, open(sys.argv[2], "w", newline="") as out:
    rows = csv.reader(f)
    w = csv.writer(out)
    w.writerow(next(rows))
    w.writerows(r for r in rows if r[0] in have or r[1] in have)
PY
"$ANALYSER" review sample load "$DB" "$W/audit.csv" --name "March audit" --as asmith 2>/dev/null
[ $? -eq 0 ] && ok "a coded sample is stored" || fail "review sample load failed"
before=$(sqlite3 "$DB" .dump | sha256sum)
# A python3 with pandas: the first on PATH, or the system's (python3-pandas).
PY=python3
for py in python3 /usr/bin/python3; do
	if "$py" -c 'import pandas' 2>/dev/null; then PY=$py; break; fi
done

# The blocks of the document, one file each: sql-1.sql, python-2.py, r-3.R ...
python3 - "$DOC" "$TMP/blocks" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
os.makedirs(sys.argv[2])
ext = {"sql": "sql", "python": "py", "r": "R"}
for i, (lang, body) in enumerate(re.findall(r"^```(\w+)\n(.*?)^```", text, re.S | re.M), 1):
    if lang in ext:
        open(os.path.join(sys.argv[2], "%s-%02d.%s" % (lang, i, ext[lang])), "w").write(body)
PY
n=0
for f in "$TMP"/blocks/*; do
	name=$(basename "$f")
	case "$name" in
	sql-*) run sqlite3 -readonly -bail "$DB" ".read $f" ;;
	python-*)
		if grep -q pandas "$f" && ! "$PY" -c 'import pandas' 2>/dev/null; then
			printf 'SKIP %s: pandas is not installed\n' "$name"; continue
		fi
		run sh -c "cd '$W' && '$PY' '$f'" ;;
	r-*)
		if ! command -v Rscript >/dev/null || ! Rscript -e 'library(RSQLite)' >/dev/null 2>&1; then
			printf 'SKIP %s: R with RSQLite is not installed\n' "$name"; continue
		fi
		run sh -c "cd '$W' && Rscript '$f'" ;;
	esac
	n=$((n + 1))
	if [ "$rc" -eq 0 ] && [ -n "$out" ] && [ -z "$err" ]; then
		ok "docs/sql.md $name runs"
	else
		fail "docs/sql.md $name" "exit $rc" "stdout: $(printf '%s' "$out" | head -5)" "stderr: $err"
	fi
done
[ "$n" -ge 6 ] && ok "$n examples ran" || fail "only $n examples found in $DOC"
expect_eq "the examples changed nothing" "$(sqlite3 "$DB" .dump | sha256sum)" "$before"
# The views the document names are the ones the database has.
for v in responses answers themes tags rule_tags review_decisions demographics count_inputs \
	coded_samples coded_sample_responses coded_sample_codes; do
	grep -q "| \`$v\` |" "$DOC" && ok "docs/sql.md documents $v" || fail "docs/sql.md lacks $v"
	expect_eq "view $v exists" "$(sqlite3 "$DB" "SELECT type FROM sqlite_schema WHERE name = '$v'")" view
done
# The coded sample's views hold what its tables hold, and no coder's note.
q() { sqlite3 -readonly "$DB" "$1"; }
expect_eq "coded_samples: the sample, its file and responses" \
	"$(q "SELECT sample || '|' || file || '|' || loaded_by || '|' || responses || '|' || current_rules FROM coded_samples")" \
	"March audit|audit.csv|asmith|$(q "SELECT count(*) FROM coded_sample_response")|1"
expect_eq "coded_sample_responses: every coded response, with whether it has a note" \
	"$(q "SELECT count(*) || '|' || sum(has_note) FROM coded_sample_responses")" \
	"$(q "SELECT count(*) || '|' || count(nullif(note, '')) FROM coded_sample_response")"
expect_eq "coded_sample_codes: every code" "$(q "SELECT count(*) FROM coded_sample_codes")" \
	"$(q "SELECT count(*) FROM coded_sample_code")"
[ "$(q "SELECT count(nullif(note, '')) FROM coded_sample_response")" -gt 0 ] &&
	ok "the sample has notes to keep out" || fail "the sample has no notes: the check below proves nothing"
# Every cell of the sample's views, against every note: none holds one.
run python3 - "$DB" <<'PY'
import sqlite3, sys
db = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True)
notes = [n for (n,) in db.execute("SELECT note FROM coded_sample_response WHERE note <> ''")]
views = [v for (v,) in db.execute("SELECT name FROM sqlite_schema WHERE type = 'view' "
                                  "AND name LIKE 'coded_sample%'")]
cells = [str(c) for v in views for row in db.execute('SELECT * FROM "%s"' % v) for c in row]
print(len(views), sum(1 for n in notes for c in cells if n in c))
PY
expect_eq "none of the 3 views of the sample holds a coder's note" "$out" "3 0"
finish
