#!/usr/bin/env bash
# End-to-end: what the programs write and what they read. No output is ever
# written over the database, its -wal or -shm, or any SQLite file; outputs
# leave no temporaries behind; CSV cells cannot start a spreadsheet
# formula; inputs that never end (devices, FIFOs, sockets, huge files) are
# refused at once.
# usage: outputs.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null
sum() { sha256sum "$1" | cut -d' ' -f1; }
before=$(sum "$DB")
# Each section starts from this copy, so one failure does not hide the next.
cp "$DB" "$TMP/pristine.db"

# --- never over the database --------------------------------------------------
# expect_refused NAME TARGET TEXT: the last run was refused (exit 2) saying
# TEXT, and the database is as it was.
expect_refused() {
	expect_rc "$1" 2
	expect_err "$1" "$3"
	expect_eq "$1: database unchanged" "$(sum "$DB")" "$before"
}
run "$ANALYSER" counts "$DB" --format csv --output "$DB"
expect_refused "counts --output DB" "$DB" "refusing to write $DB: it is the database $DB"
run "$ANALYSER" report "$DB" --you-said-we-did "$DB"
expect_refused "report over DB" "$DB" "refusing to write $DB: it is the database"
for f in wal shm journal; do
	run "$ANALYSER" counts "$DB" --format csv --output "$DB-$f"
	expect_refused "counts --output DB-$f" "$DB" "it is the -$f file of the database $DB"
	[ -e "$DB-$f" ] && fail "counts --output DB-$f: made $DB-$f" || ok "counts --output DB-$f: nothing made"
done
ln -s survey.db "$TMP/link.csv"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/link.csv"
expect_refused "counts through a symbolic link" "$DB" "it is the database $DB"
ln "$DB" "$TMP/hard.csv"
run "$ANALYSER" export "$DB" --healthwatch "$TMP/hard.csv"
expect_refused "export over a hard link" "$DB" "it is the database $DB"
rm -f "$TMP/hard.csv"
# A database whose own name ends .csv, .xlsx or .xml, exported to itself.
for ext in csv xlsx xml; do
	cp "$DB" "$TMP/db.$ext"
	run "$ANALYSER" export "$TMP/db.$ext" --healthwatch "$TMP/db.$ext"
	expect_rc "export DB.$ext to itself" 2
	expect_err "export DB.$ext to itself" "it is the database $TMP/db.$ext"
	expect_eq "export DB.$ext to itself: unchanged" "$(head -c 15 "$TMP/db.$ext")" "SQLite format 3"
done
# Any SQLite file, not only the one open.
cp "$DB" "$TMP/other.db"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/other.db"
expect_rc "counts over another SQLite file" 2
expect_err "counts over another SQLite file" "refusing to write $TMP/other.db: it is an SQLite database"
run "$ANALYSER" counts "$DB" --format csv --output /dev/null
expect_rc "counts over a device" 2
expect_err "counts over a device" "not a regular file"
[ -c /dev/null ] && ok "/dev/null still a device" || fail "/dev/null replaced"
# An ordinary older output is replaced as before.
echo old >"$TMP/counts.csv"
run "$ANALYSER" counts "$DB" --format csv --output "$TMP/counts.csv"
expect_rc "counts over an older output" 0
expect_eq "counts over an older output: replaced" "$(head -c 5 "$TMP/counts.csv")" "theme"

# --- no temporaries left -------------------------------------------------------
mkdir "$TMP/out"
for n in aaaaaa bbbbbb; do echo partial >"$TMP/out/r.html.tmp-$n"; done
echo keep >"$TMP/out/r.html.tmp-not-ours"
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/out/r.html"
expect_rc "report" 0
expect_eq "report: earlier runs' temporaries removed, nothing else (the page and its fragment)" \
	"$(cd "$TMP/out" && ls | tr '\n' ' ')" "r-fragment.html r.html r.html.tmp-not-ours "
# A run killed while it writes leaves nothing (the file has no name until
# it is complete).
for i in 1 2 3 4 5; do
	"$ANALYSER" export "$DB" --healthwatch "$TMP/out/k$i.xlsx" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$i"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
done
left=$(cd "$TMP/out" && ls | grep -c 'tmp-[A-Za-z0-9]\{6\}$')
expect_eq "killed exports: temporaries left" "$left" 0

# --- CSV cells that cannot start a formula ---------------------------------------
# Labels from the exercise and the rule set that a spreadsheet would run
# (the loaders trim the tab and CR; check_textout covers those).
H=$TMP/hostile.db
sed -e 's|>Cannock Chase<|>=HYPERLINK("http://example.org/","x")<|' \
    -e "s|>East Staffordshire<|>+cmd\|' /C calc'!A0<|" \
    -e 's|>Lichfield<|>-2+3<|' \
    -e 's|>Newcastle-under-Lyme<|>@SUM(1;2)<|' \
    -e 's|>South Staffordshire<|>\&#9;=1+1<|' \
    -e 's|>Stafford<|>-5<|' \
    "$S/exercise-2019.xml" >"$TMP/hostile-exercise.xml"
sed -e 's|label="Urgent and emergency care"|label="=1+1"|' \
    -e 's|label="Ambulances and paramedics"|label="\&#13;=2+2"|' \
    "$S/rules/twb-2019.rules.xml" >"$TMP/hostile.rules.xml"
"$COLLECTOR" init "$H" "$TMP/hostile-exercise.xml" >/dev/null
"$COLLECTOR" postcodes load "$H" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$H" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$ANALYSER" tag "$H" "$TMP/hostile.rules.xml" >/dev/null
run "$ANALYSER" counts "$H" --format csv --output "$TMP/hc.csv"
expect_rc "counts csv with formula labels" 0
run "$ANALYSER" counts "$H" --format csv --by district,channel --no-suppress --output "$TMP/hc2.csv"
expect_rc "crosstab csv with formula labels" 0
run "$ANALYSER" export "$H" --healthwatch "$TMP/hx.csv"
expect_rc "export csv with formula labels" 0
run "$ANALYSER" export "$H" --healthwatch "$TMP/hx.xlsx"
expect_rc "export xlsx with formula labels" 0
# csv_safe FILE: no cell starts a formula, the labels are there behind a
# quote mark, plain numbers are left as numbers.
csv_safe() {
	python3 - "$1" <<'PY'
import csv, re, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8', newline='')))
cells = [c for r in rows for c in r]
number = re.compile(r'^[-+]?[0-9]+(\.[0-9]+)?$')
risky = [c for c in cells if c[:1] in ('=', '+', '-', '@', '\t', '\r') and not number.match(c)]
assert not risky, 'cells that start a formula: %r' % risky[:5]
for want in ("'=HYPERLINK(\"http://example.org/\",\"x\")", "'+cmd|' /C calc'!A0", "'-2+3",
             "'@SUM(1;2)", "'=1+1"):
    assert want in cells, 'missing %r' % want
assert '-5' in cells, 'the plain number label -5 was changed'
PY
}
run "$ANALYSER" export "$H" --tables "$TMP/ht.csv" --rows "$TMP/hr.csv"
expect_rc "tables and rows csv with formula labels" 0
for f in hc hc2 hx ht; do
	if err=$(csv_safe "$TMP/$f.csv" 2>&1); then ok "$f.csv: no cell starts a formula"
	else fail "$f.csv: cells start formulas" "$err"; fi
done
# The rows, the notes and every dictionary: no cell starts a formula either.
for f in hr ht.notes hx.dictionary ht.dictionary hr.dictionary; do
	if err=$(python3 - "$TMP/$f.csv" 2>&1 <<'PY'
import csv, re, sys
cells = [c for r in csv.reader(open(sys.argv[1], encoding='utf-8', newline='')) for c in r]
number = re.compile(r'^[-+]?[0-9]+(\.[0-9]+)?$')
risky = [c for c in cells if c[:1] in ('=', '+', '-', '@', '\t', '\r') and not number.match(c)]
assert cells and not risky, 'cells that start a formula: %r' % risky[:5]
PY
	); then ok "$f.csv: no cell starts a formula"
	else fail "$f.csv: cells start formulas" "$err"; fi
done
# Raw bytes: the risky cells are quoted with the mark inside the quotes.
grep -q "^URGENT,\"'=1+1\",1," "$TMP/hc.csv" && ok "counts csv: theme label written \"'=1+1\"" \
	|| fail "counts csv: theme label not neutralised" "$(grep -m1 '=1+1' "$TMP/hc.csv")"
# XLSX cells are strings, never formulas: the label is a shared string as it is.
if python3 - "$TMP/hx.xlsx" <<'PY'
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheets = [n for n in z.namelist() if n.startswith('xl/worksheets/sheet')]
assert sheets
for n in sheets:
    assert b'<f>' not in z.read(n) and b'<f ' not in z.read(n), n + ' has a formula'
assert b'<t>=HYPERLINK("http://example.org/","x")</t>' in z.read('xl/sharedStrings.xml')
PY
then ok "xlsx: formula labels stored as strings"; else fail "xlsx: formula labels"; fi

# --- XLSX sheet names --------------------------------------------------------------
# Two demographic codes sharing their first 22 characters: "Theme by CODE"
# is cut to Excel's 31, and the two sheets must still differ.
L=$TMP/long.db
long='s/"DISABILITY"/"LONG-TERM-CONDITION-OR-DISABILITY-A"/g; s/"CARER"/"LONG-TERM-CONDITION-OR-DISABILITY-B"/g'
sed -e "$long" "$S/exercise-2019.xml" >"$TMP/long-exercise.xml"
sed -e "$long" "$X/google-forms-online.map.xml" >"$TMP/long.map.xml"
"$COLLECTOR" init "$L" "$TMP/long-exercise.xml" >/dev/null
"$COLLECTOR" import "$L" "$X/google-forms-online.csv" --map "$TMP/long.map.xml" -q >/dev/null
"$ANALYSER" tag "$L" "$S/rules/twb-2019.rules.xml" >/dev/null
run "$ANALYSER" export "$L" --healthwatch "$TMP/long.xlsx"
expect_rc "xlsx with long demographic codes" 0
names=$(python3 - "$TMP/long.xlsx" <<'PY'
import re, sys, zipfile
wb = zipfile.ZipFile(sys.argv[1]).read('xl/workbook.xml').decode()
print('|'.join(re.findall(r'<sheet name="([^"]*)"', wb)))
PY
)
expect_eq "xlsx with long demographic codes: sheet names" "$names" \
	"Theme by district|Theme by channel|Theme by AGE|Theme by SEX|Theme by ETHNICITY|Theme by LONG-TERM-CONDITION-OR|Theme by LONG-TERM-CONDITIO (2)|Notes"

# --- inputs that never end -------------------------------------------------------
# A device, a FIFO, a socket: refused at once, never read or waited on. A
# huge (sparse) file: refused by its size before a byte is hashed or read.
I=$TMP/inputs
mkdir "$I"
cp "$TMP/pristine.db" "$DB"
mkfifo "$I/fifo.csv"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$I/sock.csv"
truncate -s 10G "$I/huge.csv"
MAP=$X/google-forms-online.map.xml
# refused NAME TEXT CODE COMMAND...: the command ends within 10 seconds with CODE saying TEXT.
refused() {
	local name=$1 text=$2 code=$3
	shift 3
	run timeout 10 "$@"
	expect_rc "$name" "$code"
	expect_err "$name" "$text"
}
for f in /dev/zero "$I/fifo.csv" "$I/sock.csv"; do
	case $f in /dev/zero) kind="a device" ;; *fifo*) kind="a pipe" ;; *) kind="a socket" ;; esac
	why="cannot read $f: not a regular file ($kind)"
	refused "import $kind" "$why" 2 "$COLLECTOR" import "$DB" "$f" --map "$MAP"
	refused "import $kind as csv" "$why" 2 "$COLLECTOR" import "$DB" "$f" --map "$MAP" --format csv
	refused "import $kind as xlsx" "$why" 2 "$COLLECTOR" import "$DB" "$f" --map "$MAP" --format xlsx
	refused "import $kind as xform" "$why" 2 "$COLLECTOR" import "$DB" "$f" --map "$MAP" --format xform
	refused "postcodes load $kind" "$why" 2 "$COLLECTOR" postcodes load "$DB" "$f"
	refused "init from $kind" "$why" 2 "$COLLECTOR" init "$TMP/new.db" "$f"
	refused "import --map $kind" "$why" 2 "$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$f"
	refused "tag with $kind" "$why" 2 "$ANALYSER" tag "$DB" "$f"
	refused "evaluate $kind" "$why" 2 "$ANALYSER" evaluate "$DB" "$f"
done
refused "import a 10 GB file" "$I/huge.csv is larger than" 1 "$COLLECTOR" import "$DB" "$I/huge.csv" --map "$MAP"
refused "import a 10 GB file as csv" "$I/huge.csv is larger than" 1 \
	"$COLLECTOR" import "$DB" "$I/huge.csv" --map "$MAP" --format csv
refused "postcodes load a 10 GB file" "$I/huge.csv is larger than" 1 "$COLLECTOR" postcodes load "$DB" "$I/huge.csv"
refused "tag with a 10 GB rule set" "$I/huge.csv is larger than" 1 "$ANALYSER" tag "$DB" "$I/huge.csv"
expect_eq "inputs refused: database unchanged" "$(sum "$DB")" "$before"

# --- readers in a read-only folder ---------------------------------------------------
# WAL needs the -shm file written; commands that only read open the database
# read-only, and as a snapshot where even that cannot be, and say so. Root
# ignores permissions: run as nobody then, from copies nobody can reach.
RO=$TMP/ro
mkdir "$RO" "$RO/out"
cp "$TMP/pristine.db" "$RO/survey.db"
cp "$ANALYSER" "$TMP/analyser-copy" && cp "$COLLECTOR" "$TMP/collector-copy"
chmod 0755 "$TMP" "$TMP/analyser-copy" "$TMP/collector-copy" "$RO"
chmod 0644 "$RO/survey.db"
chmod 0777 "$RO/out"
chmod 0555 "$RO"
as_reader() {
	if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; else "$@"; fi
}
A2=$TMP/analyser-copy
C2=$TMP/collector-copy
note="$RO/survey.db is in a folder you cannot write: reading it as it stands"
run as_reader "$A2" counts "$RO/survey.db"
expect_rc "read-only folder: counts on screen" 0
expect_out "read-only folder: counts on screen" "Theme"
expect_err "read-only folder: counts says so" "$note"
# Publishing records what it publishes (the disclosure ledger): refused, with why.
pubnote="$RO/survey.db cannot be written here: publishing under disclosure control records"
run as_reader "$A2" counts "$RO/survey.db" --format csv
expect_rc "read-only folder: counts as csv refused" 3
expect_err "read-only folder: counts as csv says why" "$pubnote"
run as_reader "$A2" report "$RO/survey.db" --you-said-we-did "$RO/out/r.html"
expect_rc "read-only folder: report refused" 3
expect_err "read-only folder: report says why" "$pubnote"
run as_reader "$A2" export "$RO/survey.db" --healthwatch "$RO/out/hw.xlsx"
expect_rc "read-only folder: export refused" 3
expect_err "read-only folder: export says why" "$pubnote"
expect_eq "read-only folder: nothing published" "$(ls "$RO/out" | tr '\n' ' ')" ""
run as_reader "$A2" counts "$RO/survey.db" --format csv --no-suppress
expect_rc "read-only folder: counts --no-suppress reads it" 0
expect_out "read-only folder: counts --no-suppress" "theme,theme_label,level,district"
run as_reader "$A2" untagged "$RO/survey.db"
expect_rc "read-only folder: untagged" 0
run as_reader "$A2" action list "$RO/survey.db"
expect_rc "read-only folder: action list" 0
run as_reader "$C2" status "$RO/survey.db"
expect_rc "read-only folder: status" 0
expect_out "read-only folder: status" "Responses: 200"
cp "$S/gold/twb-2019-gold.csv" "$TMP/gold.csv" && chmod 0644 "$TMP/gold.csv"
run as_reader "$A2" evaluate "$RO/survey.db" "$TMP/gold.csv"
case "$rc:$err" in
3:* | *read-only* | *"cannot open"*) fail "read-only folder: evaluate" "rc $rc" "$err" ;;
*) ok "read-only folder: evaluate reads it (exit $rc: the sample covers more than this import)" ;;
esac
expect_eq "read-only folder: nothing left beside the database" "$(ls "$RO" | tr '\n' ' ')" "out survey.db "
# A command that writes says why it cannot.
run as_reader "$A2" action add "$RO/survey.db" --theme STAFF --text "More nurses"
expect_rc "read-only folder: action add" 3
expect_err "read-only folder: action add" "read-only"
chmod 0755 "$RO"

finish
