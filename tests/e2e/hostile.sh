#!/usr/bin/env bash
# End-to-end: the hostile catalogue (tests/hostile/README.md). Each hostile
# file goes through the real command that would read it, which must refuse
# it, or bound it, with a clear message naming the file (and the line where
# there is one); never crash, hang or blow up in memory; never read what an
# entity or a DTD points at; and leave the database as it was.
# usage: hostile.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
H=$TMP/hostile
DB=$TMP/survey.db
M=$F/import/online.map.xml
MARKER=LEAKED-FROM-A-LOCAL-FILE
LIMIT_S=120          # seconds any one command may take, sanitizers and all
LIMIT_KB=1500000     # peak memory of any one command (GNU time), sanitizers and all

python3 "$(dirname "$0")/../hostile/make_hostile.py" "$H" || { echo "cannot make the hostile files"; exit 1; }
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$F/import/online-2.csv" --map "$M" -q >/dev/null 2>&1
cd "$H" || exit 1

# The database's content, whatever its files look like (WAL or not).
state() { sqlite3 "$DB" .dump | sha256sum | cut -d' ' -f1; }
GNU_TIME=
[ -x /usr/bin/time ] && GNU_TIME=/usr/bin/time

# bounded NAME CMD...: runs CMD under the time limit (and GNU time for its
# peak memory), like run; then checks that it did not crash, hang, blow up
# or leak the marker.
bounded() {
	local name=$1 kb
	shift
	if [ -n "$GNU_TIME" ]; then
		out=$("$GNU_TIME" -o "$TMP/rss" -f %M timeout "$LIMIT_S" "$@" 2>"$TMP/stderr") && rc=0 || rc=$?
	else
		out=$(timeout "$LIMIT_S" "$@" 2>"$TMP/stderr") && rc=0 || rc=$?
	fi
	err=$(cat "$TMP/stderr")
	case "$err" in
	*AddressSanitizer* | *LeakSanitizer* | *"runtime error"* | *"Segmentation fault"*)
		fail "$name: sanitizer report or crash" "$err" ;;
	esac
	[ "$rc" -le 3 ] || fail "$name: exit $rc (a crash or the ${LIMIT_S} s limit)" "$err"
	case "$out$err" in *"$MARKER"*) fail "$name: read a file an entity or DTD named" ;; esac
	if [ -n "$GNU_TIME" ]; then
		kb=$(tail -1 "$TMP/rss")
		if [ "$kb" -lt "$LIMIT_KB" ]; then ok "$name: peak memory $((kb / 1024)) MB"
		else fail "$name: peak memory $((kb / 1024)) MB"; fi
	fi
}

# refused NAME WANT CMD...: exit 1, the message WANT on stderr, and the
# database exactly as it was.
refused() {
	local name=$1 want=$2 before
	shift 2
	before=$(state)
	bounded "$name" "$@"
	expect_rc "$name" 1
	expect_err "$name" "$want"
	expect_eq "$name: database unchanged" "$(state)" "$before"
}

DEEP="elements are nested more than 256 deep: refused for safety"
HUGE="a text of more than 10 MB in one element: refused for safety"
DOCTYPE="a DOCTYPE is not allowed: DTDs and entities are refused for safety"
GZIP="is gzip-compressed: decompress it first"

# --- XML: every attack on every kind of XML file -----------------------------
# expect CARRIER FILE-ATTACK: the message each attack must give, with its line.
expect_for() {
	case $2 in
	external-entity | billion-laughs | external-dtd) echo "$1:2: $DOCTYPE" ;;
	deep) echo "$1:$3: $DEEP" ;;
	huge-text) echo "$1:$3: $HUGE" ;;
	gzip) echo "$1 $GZIP" ;;
	esac
}
ATTACKS="external-entity billion-laughs external-dtd deep huge-text gzip"

# Exercise definitions: collector init, on a new database and on ours.
for a in $ATTACKS; do
	f=exercise-$a.xml
	want=$(expect_for "$f" "$a" 3)
	bounded "init new $f" "$COLLECTOR" init "$TMP/new.db" "$f"
	expect_rc "init new $f" 1
	expect_err "init new $f" "$want"
	[ ! -e "$TMP/new.db" ] && ok "init new $f: no database left behind" ||
		fail "init new $f: a database was left behind"
	rm -f "$TMP/new.db"*
	refused "init $f" "$want" "$COLLECTOR" init "$DB" "$f"
done

# Mappings: collector import with the hostile mapping.
for a in $ATTACKS; do
	f=mapping-$a.map.xml
	line=2
	[ "$a" = huge-text ] && line=3
	refused "mapping $f" "$(expect_for "$f" "$a" $line)" \
		"$COLLECTOR" import "$DB" "$F/import/online.csv" --map "$f"
done

# Survey exports: XForm submissions and LimeSurvey responses.
for a in $ATTACKS; do
	f=xform-$a.xml
	refused "import $f" "$(expect_for "$f" "$a" 2)" "$COLLECTOR" import "$DB" "$f" --map "$M"
	expect_err "import $f" "$f was not imported: the database is unchanged"
	f=limesurvey-$a.lsr
	refused "import $f" "$(expect_for "$f" "$a" 3)" "$COLLECTOR" import "$DB" "$f" --map "$M"
	expect_err "import $f" "$f was not imported: the database is unchanged"
done

# XLSX: the sheet nests too deep, or holds a 20 MB cell (15 MB compressed).
refused "import xlsx-deep.xlsx" "xlsx-deep.xlsx: sheet 'Sheet1': line 2: $DEEP" \
	"$COLLECTOR" import "$DB" xlsx-deep.xlsx --map "$M"
refused "import xlsx-huge-text.xlsx" "xlsx-huge-text.xlsx: sheet 'Sheet1': line 2: $HUGE" \
	"$COLLECTOR" import "$DB" xlsx-huge-text.xlsx --map "$M"

# Rule sets: analyser rules check, and analyser tag (which changes nothing).
for a in $ATTACKS; do
	f=rules-$a.rules.xml
	want=$(expect_for "$f" "$a" 3)
	bounded "rules check $f" "$ANALYSER" rules check "$f"
	expect_rc "rules check $f" 1
	expect_err "rules check $f" "$want"
	refused "tag $f" "$want" "$ANALYSER" tag "$DB" "$f"
done

# --- CSV: one bad row among good ones ----------------------------------------
# --strict refuses the file; without it the row is rejected with its line and
# reason, kept in the rejects table, and the good rows are imported.
csv_case() {
	local f=$1 reason=$2 batch
	refused "strict $f" "$f:3: $reason" "$COLLECTOR" import "$DB" "$f" --map "$M" --strict
	expect_err "strict $f" "1 records rejected and --strict given: nothing imported"
	bounded "import $f" "$COLLECTOR" import "$DB" "$f" --map "$M"
	expect_rc "import $f" 1
	expect_err "import $f" "$f:3: $reason"
	expect_out "import $f" "3 read, 2 imported, 1 rejected"
	batch=$(sqlite3 "$DB" "SELECT max(id) FROM import_batch")
	expect_eq "import $f: responses kept" \
		"$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE batch_id = $batch")" 2
	expect_eq "import $f: the reject kept with its place and reason" \
		"$(sqlite3 "$DB" "SELECT place || ': ' || reason FROM reject WHERE batch_id = $batch")" \
		"line 3: $reason"
}
csv_case csv-nul.csv "NUL byte in column 5"
csv_case csv-overlong.csv "invalid UTF-8 in column 5: overlong encoding"
csv_case csv-truncated.csv "invalid UTF-8 in column 5: truncated sequence"
csv_case csv-surrogate.csv "invalid UTF-8 in column 5: encoded surrogate"
csv_case csv-big-field.csv "column 5 is longer than 16777216 bytes"
expect_eq "the 100 MB field is not kept whole" \
	"$(sqlite3 "$DB" "SELECT max(length(raw)) <= 4096 FROM reject")" 1
refused "import csv-gzip.csv" "csv-gzip.csv $GZIP" "$COLLECTOR" import "$DB" csv-gzip.csv --map "$M"

# --- rule sets that attack the matcher -----------------------------------------
f=rules-invalid.rules.xml
bounded "rules check $f" "$ANALYSER" rules check "$f"
expect_rc "rules check $f" 1
expect_err "rules check $f" "$f:5: pattern PARK/2 does not compile at column 9: missing closing parenthesis"
refused "tag $f" "$f:5: pattern PARK/2 does not compile" "$ANALYSER" tag "$DB" "$f"

f=rules-alternatives.rules.xml
bounded "rules check $f" "$ANALYSER" rules check "$f"
expect_rc "rules check $f" 1
expect_err "rules check $f" "$f:4: pattern MANY/1 does not compile at column 1: regular expression is too large"
refused "tag $f" "$f:4: pattern MANY/1 does not compile" "$ANALYSER" tag "$DB" "$f"

# The same 10,000 alternatives in five patterns: loaded, checked and used, in bounded time.
f=rules-alternatives-split.rules.xml
bounded "rules check $f" "$ANALYSER" rules check "$f"
expect_rc "rules check $f" 0
expect_out "rules check $f" "2 themes, 2 examples, 2 passed, 0 failed"
bounded "tag $f" "$ANALYSER" tag "$DB" "$f"
expect_rc "tag $f" 0

# (a+)+$ on "aaa…a!": the match limit stops it; the examples say so, and a
# tag run counts the answers it gave up on and names the theme at the end.
f=rules-catastrophic.rules.xml
bounded "rules check $f" "$ANALYSER" rules check "$f"
expect_rc "rules check $f" 1
expect_out "rules check $f" "FAIL $f:6: AAA: a pattern failed (match limit?) on \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!\""
"$COLLECTOR" import "$DB" csv-catastrophic-answers.csv --map "$M" -q >/dev/null
# Its own example fails, so tagging with it must be asked for.
bounded "tag $f" "$ANALYSER" tag "$DB" "$f"
expect_rc "tag $f: failing example" 1
expect_err "tag $f: failing example" "1 of the rule set's examples fails"
start=$(date +%s)
bounded "tag $f" "$ANALYSER" tag "$DB" "$f" --allow-failing-examples
took=$(($(date +%s) - start))
expect_rc "tag $f" 0
expect_err "tag $f" "AAA"
expect_err "tag $f" "gave up on 40 answers"
[ "$took" -lt 60 ] && ok "tag $f: took ${took} s" || fail "tag $f: took ${took} s"
expect_eq "tag $f: the answers that can be settled are tagged" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM tag t JOIN answer a ON a.id = t.answer_id WHERE a.value = 'Parking was fine'")" 5

expect_eq "integrity" "$(sqlite3 "$DB" "PRAGMA integrity_check")" ok
finish
