#!/usr/bin/env bash
# End-to-end: two programs on one database at the same time. An import of a
# large export and a tag run start together, with readers (analyser counts,
# collector status) running meanwhile; every one succeeds, none says the
# database is locked or busy, and the result is what running them one after
# the other gives.
# usage: concurrency.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
G=$TMP/gen
RULES=$ROOT/bench/rules.xml
ROUNDS=${TALLY_CONCURRENCY_ROUNDS:-3}

python3 "$ROOT/bench/gen.py" "${TALLY_CONCURRENCY_RESPONSES:-12000}" "$G" >/dev/null ||
	{ echo "cannot generate the exports"; exit 1; }
copy() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; }

# The tags, with their rule set, and the responses by import: what must agree.
state() {
	sqlite3 "$1" "SELECT answer_id, theme, rule, match_start, match_end, ruleset_version
			FROM tag_detail ORDER BY answer_id, theme;
		SELECT b.file_name, count(r.id) FROM import_batch b
			LEFT JOIN response r ON r.batch_id = b.id GROUP BY b.id ORDER BY b.file_name;
		SELECT count(*) FROM answer;" | sha256sum | cut -d' ' -f1
}

# A database with the paper forms, tagged: the readers have something to read.
"$COLLECTOR" init "$TMP/base.db" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$TMP/base.db" "$G/paper.csv" --map "$G/paper.map.xml" -q >/dev/null
"$ANALYSER" tag "$TMP/base.db" "$RULES" >/dev/null

# One after the other: the state to reach.
copy "$TMP/base.db" "$TMP/seq.db"
t0=$(date +%s%3N)
"$COLLECTOR" import "$TMP/seq.db" "$G/online.csv" --map "$G/online.map.xml" -q >/dev/null
# Round 3 starts the tag run a third of the way into the import, however
# fast the import is on this machine.
delay_ms=$((($(date +%s%3N) - t0) / 3))
delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
"$ANALYSER" tag "$TMP/seq.db" "$RULES" >/dev/null
want=$(state "$TMP/seq.db")

# timed NAME CMD...: runs CMD, keeping its output in $TMP/NAME.out and .err
# and when it started and ended (ms) in $TMP/NAME.when.
timed() {
	local name=$1 start rc
	shift
	start=$(date +%s%3N)
	"$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	rc=$?
	echo "$start $(date +%s%3N)" >"$TMP/$name.when"
	return $rc
}

# reader NAME CMD...: runs CMD over and over until $TMP/stop appears; any
# failure is kept in $TMP/NAME.fail.
reader() {
	local name=$1 n=0
	shift
	while [ ! -e "$TMP/stop" ]; do
		if ! "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"; then
			{ echo "run $n: exit $?"; cat "$TMP/$name.err"; } >>"$TMP/$name.fail"
		fi
		cat "$TMP/$name.err" >>"$TMP/all.err"
		n=$((n + 1))
	done
	echo "$n" >"$TMP/$name.runs"
}

for round in $(seq 1 "$ROUNDS"); do
	db=$TMP/round$round.db
	copy "$TMP/base.db" "$db"
	rm -f "$TMP"/*.fail "$TMP/stop" "$TMP/all.err"
	reader counts "$ANALYSER" counts "$db" &
	r1=$!
	reader status "$COLLECTOR" status "$db" &
	r2=$!
	# The writers start together; which gets the database first varies by round.
	case $round in
	2) timed tag "$ANALYSER" tag "$db" "$RULES" & t=$!
	   timed import "$COLLECTOR" import "$db" "$G/online.csv" --map "$G/online.map.xml" -q & i=$! ;;
	*) timed import "$COLLECTOR" import "$db" "$G/online.csv" --map "$G/online.map.xml" -q & i=$!
	   [ "$round" -eq 3 ] && sleep "$delay"
	   timed tag "$ANALYSER" tag "$db" "$RULES" & t=$! ;;
	esac
	wait "$i"; irc=$?
	wait "$t"; trc=$?
	touch "$TMP/stop"
	wait "$r1" "$r2"
	expect_eq "round $round: import exit" "$irc" 0
	expect_eq "round $round: tag exit" "$trc" 0
	read -r is ie <"$TMP/import.when"
	read -r ts te <"$TMP/tag.when"
	if [ "$is" -lt "$te" ] && [ "$ts" -lt "$ie" ]; then
		ok "round $round: the import ($((ie - is)) ms) and the tag run ($((te - ts)) ms) overlapped"
	else
		fail "round $round: the import and the tag run did not overlap: nothing was tested"
	fi
	for n in counts status; do
		if [ -e "$TMP/$n.fail" ]; then fail "round $round: a reader failed ($n)" "$(head -5 "$TMP/$n.fail")"
		else ok "round $round: $n ran $(cat "$TMP/$n.runs") times, every time fine"; fi
	done
	if grep -qi -e locked -e busy "$TMP/import.err" "$TMP/tag.err" "$TMP/import.out" \
		"$TMP/tag.out" "$TMP/all.err"; then
		fail "round $round: someone said the database was locked or busy" \
			"$(grep -hi -e locked -e busy "$TMP/import.err" "$TMP/tag.err" "$TMP/all.err" | head -3)"
	else
		ok "round $round: nobody said the database was locked or busy"
	fi
	# The tag run may have come first: once more tags what was imported since.
	run "$ANALYSER" tag "$db" "$RULES"
	expect_rc "round $round: tag again" 0
	expect_eq "round $round: the same as one after the other" "$(state "$db")" "$want"
	expect_eq "round $round: integrity" "$(sqlite3 "$db" "PRAGMA integrity_check")" ok
done

finish
