#!/usr/bin/env bash
# End-to-end: seeing what an import rejected (collector rejects), with
# personal data redacted unless asked for, and a corrected file imported
# again closing exactly the rejects it fixes.
# usage: rejects.sh COLLECTOR   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db
M=$F/import/online.map.xml
CSV=$TMP/bad.csv
HEAD='Respondent,Submitted,Postcode,Area,What works well in urgent care?,How satisfied are you?,Services used,Age,Recommend,Notes'

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0

# --- usage -----------------------------------------------------------------
run "$COLLECTOR" rejects --help
expect_rc "rejects --help" 0
expect_out "rejects --help" "usage: collector rejects DB"
expect_out "rejects --help says the output then holds personal data" "the output then holds"
run "$COLLECTOR" rejects "$DB" --format pdf
expect_rc "unknown format" 2
run "$COLLECTOR" rejects "$DB" --import 99
expect_rc "unknown import" 2
expect_err "unknown import" "there is no import 99"
run "$COLLECTOR" rejects "$DB"
expect_rc "nothing rejected yet" 0
expect_out "nothing rejected yet" "0 rejected rows to fix"

# --- a file with bad rows ------------------------------------------------------
# Line 3: an option that is not one, with a phone number and an e-mail address.
# Line 4: off the scale. Line 5: not a date. Line 6: a formula for a survey id.
{
	echo "$HEAD"
	echo 'R1,2019-06-05,,,Kind staff,Satisfied,,,9,'
	echo 'R2,2019-06-06,,,Ring me on 07700 900123 or jo.bloggs@example.com,Maybe,,,5,'
	echo 'R3,2019-06-07,,,Quick,Satisfied,,,11,'
	echo 'R4,yesterday,,,Hmm,,,,,'
	echo '=2+3,yesterday,,,Sum,,,,,'
} >"$CSV"
run "$COLLECTOR" import "$DB" "$CSV" --map "$M" -q
expect_rc "import with bad rows" 1
expect_out "import with bad rows" "5 read, 1 imported, 4 rejected"

run "$COLLECTOR" rejects "$DB"
expect_rc "rejects" 0
expect_out "line 3 and its reason" "bad.csv:3: column 'How satisfied are you?': the value is not an option of question 'UEC-SAT'"
expect_out "line 4 and its reason" "bad.csv:4: column 'Recommend': the value is not on the scale from 0 to 10"
expect_out "line 5 and its reason" "bad.csv:5: column 'Submitted': the value is not a date"
expect_out "line 6 and its reason" "bad.csv:6: column 'Submitted'"
expect_out "the import is named" "import 1  "
expect_out "the count" "4 rejected rows to fix"
expect_out "the phone number is redacted" "Ring me on [phone] or [email]"
case "$out" in *07700*|*jo.bloggs*) fail "personal data in the default listing" "$out" ;; *) ok "no phone number or e-mail in the default listing" ;; esac

run "$COLLECTOR" rejects "$DB" --show-personal
expect_rc "--show-personal" 0
expect_out "--show-personal shows the row as it was" "Ring me on 07700 900123 or jo.bloggs@example.com"

run "$COLLECTOR" rejects "$DB" --import 1 --file bad.csv
expect_rc "--import and --file" 0
expect_out "--import and --file" "4 rejected rows to fix"
run "$COLLECTOR" rejects "$DB" --file other.csv
expect_out "--file of another file" "0 rejected rows to fix"

# CSV: parses, one row a reject, redacted, formula cells neutralised.
"$COLLECTOR" rejects "$DB" --format csv >"$TMP/r.csv"
expect_eq "csv exit" "$?" 0
check=$(python3 - "$TMP/r.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='', encoding='utf-8')))
assert [r['line'] for r in rows] == ['3', '4', '5', '6'], rows
assert all(r['status'] == 'open' and r['import'] == '1' for r in rows)
assert rows[0]['row'].startswith('R2,') and '[phone]' in rows[0]['row'] and '[email]' in rows[0]['row']
assert '07700' not in open(sys.argv[1]).read()
assert rows[3]['row'].startswith("'=2+3"), rows[3]['row']
assert rows[0]['file'].endswith('bad.csv') and 'UEC-SAT' in rows[0]['reason']
print('ok')
PY
)
expect_eq "csv parses, redacted, formulas neutralised" "$check" ok
"$COLLECTOR" rejects "$DB" --format csv --show-personal >"$TMP/p.csv"
expect_eq "csv --show-personal holds the phone number" \
	"$(python3 -c "import csv,sys; print(sum('07700 900123' in r[7] for r in csv.reader(open(sys.argv[1], newline=''))))" "$TMP/p.csv")" 1

# Output checked at close.
run sh -c "'$COLLECTOR' rejects '$DB' >/dev/full"
expect_rc "rejects into a full disk" 3
expect_err "rejects into a full disk" "cannot write to standard output"

run "$COLLECTOR" status "$DB"
expect_out "status counts open rejects" "1 rows accepted, 4 rejected"
expect_out "status says where to see them" "'collector rejects' lists the rejected rows to fix"

# --- the same file, corrected: lines 3 and 4 fixed, 5 and 6 still wrong ---------
sed -i -e 's/,Maybe,,,5,/,Satisfied,,,5,/' -e 's/,Quick,Satisfied,,,11,/,Quick,Satisfied,,,10,/' "$CSV"
run "$COLLECTOR" import "$DB" "$CSV" --map "$M" -q
expect_rc "corrected file imported again" 1
expect_out "corrected file imported again" "5 read, 2 imported, 2 rejected, 1 already in the database"
expect_eq "the rejects of the rows now stored are closed by import 2" \
	"$(sqlite3 "$DB" "SELECT group_concat(line) FROM (SELECT line FROM reject j JOIN response r ON r.external_id = j.response_key AND r.batch_id = 2 WHERE j.batch_id = 1 AND j.closed_by_batch = 2 ORDER BY line)")" "3,4"
expect_eq "the rows rejected again are closed by import 2's rejects of them" \
	"$(sqlite3 "$DB" "SELECT group_concat(line) FROM (SELECT j.line FROM reject j JOIN reject k ON k.response_key = j.response_key AND k.batch_id = 2 WHERE j.batch_id = 1 AND j.closed_by_batch = 2 ORDER BY j.line)")" "5,6"
expect_eq "import 2's rejects are open" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE batch_id = 2 AND closed_by_batch IS NULL")" 2
expect_eq "nothing deleted" "$(sqlite3 "$DB" "SELECT count(*) FROM reject")" 6

run "$COLLECTOR" rejects "$DB"
expect_rc "rejects after the correction" 0
expect_out "rows still wrong are listed once, as import 2's" "2 rejected rows to fix"
expect_out "line 5 still to fix" "import 2  $CSV:5:"
case "$out" in *"import 1  "*) fail "import 1's rejects still listed" "$out" ;; *) ok "import 1's rejects no longer listed" ;; esac
run "$COLLECTOR" rejects "$DB" --all
expect_out "--all: fixed" "fixed by import 2"
expect_out "--all: rejected again" "rejected again by import 2"
expect_out "--all counts" "2 rejected rows to fix, 2 fixed by later imports"

run "$COLLECTOR" status "$DB"
expect_out "status counts drop" "3 rows accepted, 2 rejected"
expect_out "status says how many were fixed" "2 rejected rows fixed by later imports"

# The unchanged file again is refused as already imported, and closes nothing.
run "$COLLECTOR" import "$DB" "$CSV" --map "$M" -q
expect_out "the same file again" "already imported with this mapping"
expect_eq "still two to fix" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE closed_by_batch IS NULL")" 2

# A row with a terminal control sequence in it: listed without it.
{ echo "$HEAD"; printf 'R9,yesterday,,,\033[2J\033]0;x\007Red,,,,,\n'; } >"$TMP/esc.csv"
run "$COLLECTOR" import "$DB" "$TMP/esc.csv" --map "$M" -q
expect_rc "a row with control characters" 1
"$COLLECTOR" rejects "$DB" --import 3 >"$TMP/esc.out"
expect_eq "no control character reaches the terminal" \
	"$(LC_ALL=C grep -c "$(printf '[\033\007]')" "$TMP/esc.out")" 0
expect_eq "it is shown as a replacement character" "$(grep -cF $'R9,yesterday,,,\xef\xbf\xbd[2J' "$TMP/esc.out")" 1

# A paper form rejected by serial number, then typed in: the entry closes it.
X=$S/exports
{ head -1 "$X/paper-forms.csv"; echo 'P-9001,LE-HAN-1,T. Salt,31/31/2019,Public,,Kind,,,,,,,,,,,,,,,,,,,,,,,,,'; } >"$TMP/paper.csv"
run "$COLLECTOR" import "$DB" "$TMP/paper.csv" --map "$X/paper-forms.map.xml" -q
expect_rc "a paper form rejected" 1
expect_eq "its reject keeps its serial" "$(sqlite3 "$DB" "SELECT count(*) FROM reject WHERE serial = 'P-9001' AND closed_by_batch IS NULL")" 1
printf 'serial,UEC-WELL\nP-9001,Kind\n' >"$TMP/typed.csv"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$TMP/typed.csv"
expect_rc "the form typed in" 0
expect_eq "the typed form closes the reject of its serial" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM reject j JOIN import_batch b ON b.id = j.closed_by_batch WHERE j.serial = 'P-9001' AND b.format = 'entry-batch'")" 1

# An id given to two rows (a copy-paste slip): the second is rejected. The
# file corrected (the second row given its own id) and imported again closes
# that reject; the same slip left in closes the old one and rejects anew.
{ echo "$HEAD"; echo 'D1,2019-06-05,,,Kind,Satisfied,,,9,'; echo 'D1,2019-06-06,,,Quick,Satisfied,,,8,'; } >"$TMP/twice.csv"
run "$COLLECTOR" import "$DB" "$TMP/twice.csv" --map "$M" -q
expect_rc "an id twice" 1
expect_err "an id twice" "twice.csv:3: response 'test:D1' appears twice in this file (first at line 2)"
open_twice() { sqlite3 "$DB" "SELECT count(*) FROM reject WHERE response_key = 'test:D1' AND closed_by_batch IS NULL"; }
expect_eq "its reject is open" "$(open_twice)" 1
{ echo "$HEAD"; echo 'D1,2019-06-05,,,Kind,Satisfied,,,9,'; echo 'D2,2019-06-06,,,Quick,Satisfied,,,8,'; echo 'D1,2019-06-05,,,Kind,Satisfied,,,9,'; } >"$TMP/twice-again.csv"
run "$COLLECTOR" import "$DB" "$TMP/twice-again.csv" --map "$M" -q
expect_rc "the slip left in" 1
expect_eq "the slip left in: one open reject, the new one" \
	"$(sqlite3 "$DB" "SELECT group_concat(b.file_name) FROM reject j JOIN import_batch b ON b.id = j.batch_id WHERE j.response_key = 'test:D1' AND j.closed_by_batch IS NULL")" "$TMP/twice-again.csv"
{ echo "$HEAD"; echo 'D1,2019-06-05,,,Kind,Satisfied,,,9,'; echo 'D2,2019-06-06,,,Quick,Satisfied,,,8,'; echo 'D3,2019-06-06,,,Quick,Satisfied,,,8,'; } >"$TMP/twice-fixed.csv"
run "$COLLECTOR" import "$DB" "$TMP/twice-fixed.csv" --map "$M" -q
expect_rc "the file corrected" 0
expect_eq "the file corrected closes the reject" "$(open_twice)" 0
run "$COLLECTOR" rejects "$DB"
case "$out" in *"test:D1"*) fail "a fixed 'appears twice' row is still listed" "$out" ;; *) ok "a fixed 'appears twice' row is no longer listed" ;; esac

finish
