#!/usr/bin/env bash
# End-to-end: killing a program in the middle of its work leaves a sound
# database. `collector import` of a large export, then `analyser tag` with a
# new rule set, are each killed with SIGKILL at random moments, at least
# KILLS times (TALLY_CRASH_KILLS, default 50). After every kill the database
# passes PRAGMA integrity_check and holds either none of the work or all of
# it, exactly as an uninterrupted run leaves it; running the command again
# completes the work.
# usage: crash.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
KILLS=${TALLY_CRASH_KILLS:-50}
G=$TMP/gen
EXPORT=$G/online.csv
MAP=$G/online.map.xml
NEW_RULES=$ROOT/bench/rules.xml
OLD_RULES=$ROOT/tests/fixtures/rules/small.rules.xml

# An online export of 55% of TALLY_CRASH_RESPONSES (default 8000) responses,
# with its mapping (bench/gen.py, fixed seed).
python3 "$ROOT/bench/gen.py" "${TALLY_CRASH_RESPONSES:-8000}" "$G" >/dev/null ||
	{ echo "cannot generate the export"; exit 1; }

# copy FROM TO: a database file, after its writer has closed it cleanly.
copy() { rm -f "$2" "$2-wal" "$2-shm"; cp "$1" "$2"; }
now_ms() { date +%s%3N; }
integrity() { sqlite3 "$1" "PRAGMA integrity_check" 2>&1; }

# What the import of $EXPORT put in the database: its batch, responses,
# answers and rejects, as one line.
import_state() {
	sqlite3 "$1" "SELECT (SELECT count(*) FROM import_batch WHERE file_name LIKE '%online.csv')
		|| ' ' || (SELECT count(*) FROM response r JOIN import_batch b ON b.id = r.batch_id
			WHERE b.file_name LIKE '%online.csv')
		|| ' ' || (SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id
			JOIN import_batch b ON b.id = r.batch_id WHERE b.file_name LIKE '%online.csv')
		|| ' ' || (SELECT count(*) FROM reject j JOIN import_batch b ON b.id = j.batch_id
			WHERE b.file_name LIKE '%online.csv')"
}

# The tags and the rule set they came from, as a digest (times left out).
tag_state() {
	sqlite3 "$1" "SELECT answer_id, theme, rule, match_start, match_end, ruleset_version
			FROM tag_detail ORDER BY answer_id, theme;
		SELECT sha256, file_name, last_answer_id, answers, errors FROM ruleset ORDER BY id;
		SELECT t.code, t.depth, t.position, p.code FROM theme t
			LEFT JOIN theme p ON p.id = t.parent_id ORDER BY t.position;" | sha256sum |
		cut -d' ' -f1
}

# kill_at MS CMD...: starts CMD, kills it with SIGKILL after MS milliseconds.
# Sets killed=1 when it was still running then, 0 when it had already ended.
kill_at() {
	local ms=$1 pid st
	shift
	"$@" >/dev/null 2>"$TMP/killed.err" &
	pid=$!
	sleep "$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))"
	kill -KILL "$pid" 2>/dev/null
	{ wait "$pid"; } 2>/dev/null
	st=$?
	if [ "$st" -eq 137 ]; then killed=1; else killed=0; fi
	# The write-ahead log is there while a program has the database open.
	[ "$killed" -eq 1 ] && [ -e "$WAL" ] && open=$((open + 1))
	if [ "$killed" -eq 0 ] && [ "$st" -ne 0 ]; then
		fail "$* ended with exit $st before it was killed" "$(cat "$TMP/killed.err")"
	fi
}

"$COLLECTOR" init "$TMP/base.db" "$S/exercise-2019.xml" >/dev/null

# ---- collector import ------------------------------------------------------
# The kills land within the run's time: the fastest of three runs, as a
# first run on a cold machine can take far longer than the ones killed.
fastest() { # VAR CMD...: runs CMD three times, VAR = the shortest (ms)
	local var=$1 best=0 t0 t
	shift
	for _ in 1 2 3; do
		"${SETUP[@]}"
		t0=$(now_ms)
		"$@" >/dev/null 2>&1
		t=$(($(now_ms) - t0))
		{ [ "$best" -eq 0 ] || [ "$t" -lt "$best" ]; } && best=$t
	done
	printf -v "$var" %d "$best"
}
SETUP=(copy "$TMP/base.db" "$TMP/ref.db")
fastest t_import "$COLLECTOR" import "$TMP/ref.db" "$EXPORT" --map "$MAP" -q
copy "$TMP/base.db" "$TMP/ref.db"
run "$COLLECTOR" import "$TMP/ref.db" "$EXPORT" --map "$MAP" -q
expect_rc "uninterrupted import" 0
complete=$(import_state "$TMP/ref.db")
absent="0 0 0 0"
[ "${complete%% *}" = 1 ] && ok "uninterrupted import: $complete (batch responses answers rejects) in $t_import ms" ||
	fail "uninterrupted import: $complete"

kills=0 tries=0 seen_absent=0 seen_complete=0 bad=0 reruns=0 open=0
WAL=$TMP/work.db-wal
copy "$TMP/base.db" "$TMP/work.db"
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 3)) ]; do
	tries=$((tries + 1))
	kill_at $((RANDOM % (t_import * 9 / 10 + 1))) \
		"$COLLECTOR" import "$TMP/work.db" "$EXPORT" --map "$MAP" -q
	[ "$killed" -eq 1 ] && kills=$((kills + 1))
	ic=$(integrity "$TMP/work.db")
	st=$(import_state "$TMP/work.db")
	if [ "$ic" != ok ]; then
		bad=$((bad + 1))
		fail "import killed (try $tries): integrity_check says $ic"
	elif [ "$st" = "$absent" ]; then
		seen_absent=$((seen_absent + 1))
	elif [ "$st" = "$complete" ]; then
		seen_complete=$((seen_complete + 1))
	else
		bad=$((bad + 1))
		fail "import killed (try $tries): half an import: $st (complete is $complete)"
	fi
	# Every tenth kill, and whenever the import got through: run it again to the end.
	if [ "$st" = "$complete" ] || [ $((tries % 10)) -eq 0 ]; then
		run "$COLLECTOR" import "$TMP/work.db" "$EXPORT" --map "$MAP" -q
		reruns=$((reruns + 1))
		if [ "$rc" -ne 0 ] || [ "$(import_state "$TMP/work.db")" != "$complete" ]; then
			bad=$((bad + 1))
			fail "import again after a kill (try $tries): exit $rc, $(import_state "$TMP/work.db")" "$err"
		fi
		copy "$TMP/base.db" "$TMP/work.db"
	fi
done
[ "$kills" -ge "$KILLS" ] && ok "import killed $kills times in $tries tries ($open with the database open; $seen_absent left nothing, $seen_complete had finished; $reruns runs again to the end)" ||
	fail "import killed only $kills times in $tries tries"
expect_eq "import: every kill left a sound database, with all or nothing" "$bad" 0
# Killed once more, then run to the end: complete, and a further run adds nothing.
kill_at $((t_import / 2)) "$COLLECTOR" import "$TMP/work.db" "$EXPORT" --map "$MAP" -q
run "$COLLECTOR" import "$TMP/work.db" "$EXPORT" --map "$MAP" -q
expect_rc "import after the last kill" 0
expect_eq "import after the last kill: complete" "$(import_state "$TMP/work.db")" "$complete"
run "$COLLECTOR" import "$TMP/work.db" "$EXPORT" --map "$MAP" -q
expect_out "import once more" "already imported with this mapping"
expect_eq "import once more: nothing added" "$(import_state "$TMP/work.db")" "$complete"

# ---- analyser tag ----------------------------------------------------------
# The old state: tagged with a small rule set. The new: the benchmark's 60 themes.
run "$ANALYSER" tag "$TMP/ref.db" "$OLD_RULES"
expect_rc "tag with the old rules" 0
copy "$TMP/ref.db" "$TMP/tag-base.db"
old=$(tag_state "$TMP/tag-base.db")
SETUP=(copy "$TMP/tag-base.db" "$TMP/tag-ref.db")
fastest t_tag "$ANALYSER" tag "$TMP/tag-ref.db" "$NEW_RULES"
copy "$TMP/tag-base.db" "$TMP/tag-ref.db"
run "$ANALYSER" tag "$TMP/tag-ref.db" "$NEW_RULES"
expect_rc "uninterrupted tag run" 0
new=$(tag_state "$TMP/tag-ref.db")
[ "$old" != "$new" ] && ok "uninterrupted tag run: $t_tag ms, a new state" || fail "the new rules changed nothing"

kills=0 tries=0 seen_old=0 seen_new=0 bad=0 reruns=0 open=0
copy "$TMP/tag-base.db" "$TMP/work.db"
while [ "$kills" -lt "$KILLS" ] && [ "$tries" -lt $((KILLS * 3)) ]; do
	tries=$((tries + 1))
	kill_at $((RANDOM % (t_tag * 9 / 10 + 1))) "$ANALYSER" tag "$TMP/work.db" "$NEW_RULES"
	[ "$killed" -eq 1 ] && kills=$((kills + 1))
	ic=$(integrity "$TMP/work.db")
	st=$(tag_state "$TMP/work.db")
	if [ "$ic" != ok ]; then
		bad=$((bad + 1))
		fail "tag killed (try $tries): integrity_check says $ic"
	elif [ "$st" = "$old" ]; then
		seen_old=$((seen_old + 1))
	elif [ "$st" = "$new" ]; then
		seen_new=$((seen_new + 1))
	else
		bad=$((bad + 1))
		fail "tag killed (try $tries): neither the old tags nor the new"
	fi
	if [ "$st" = "$new" ] || [ $((tries % 10)) -eq 0 ]; then
		run "$ANALYSER" tag "$TMP/work.db" "$NEW_RULES"
		reruns=$((reruns + 1))
		if [ "$rc" -ne 0 ] || [ "$(tag_state "$TMP/work.db")" != "$new" ]; then
			bad=$((bad + 1))
			fail "tag again after a kill (try $tries): exit $rc, not the uninterrupted run's tags" "$err"
		fi
		copy "$TMP/tag-base.db" "$TMP/work.db"
	fi
done
[ "$kills" -ge "$KILLS" ] && ok "tag killed $kills times in $tries tries ($open with the database open; $seen_old left the old tags, $seen_new had finished; $reruns runs again to the end)" ||
	fail "tag killed only $kills times in $tries tries"
expect_eq "tag: every kill left the old tags or the new, whole" "$bad" 0
kill_at $((t_tag / 2)) "$ANALYSER" tag "$TMP/work.db" "$NEW_RULES"
run "$ANALYSER" tag "$TMP/work.db" "$NEW_RULES"
expect_rc "tag after the last kill" 0
expect_eq "tag after the last kill: the uninterrupted run's tags" "$(tag_state "$TMP/work.db")" "$new"
expect_eq "integrity at the end" "$(integrity "$TMP/work.db")" ok

finish
