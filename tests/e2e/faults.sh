#!/usr/bin/env bash
# End-to-end: I/O errors and running out of memory at every step of an
# import, a tag run, an erasure and a report. The programs are the test
# copies built with tests/fault.c, which fail SQLite's Nth I/O call or
# allocation (and every one after it, or only that one) when TALLY_FAULT
# says so, and the calls that write an output file whole (tests/fault_file.c:
# mkstemp, fflush, fsync, fclose, rename) for the report and the Healthwatch
# export. For each command a clean run first counts its steps; then the
# steps are cut into TALLY_FAULT_RUNS stretches of s steps (default 16; 0:
# every step is a stretch of its own) and one run fails at a step drawn at
# random from each stretch (TALLY_FAULT_SEED repeats a draw), so every run
# of the suite covers another sample of the steps; the last 8 steps (commit,
# checkpoint, close) are always failed too. After every run:
#   - the exit status is 3 and the message says what failed (an I/O error
#     naming the database), or it is 0 and the work is done (SQLite
#     recovered from the fault);
#   - PRAGMA integrity_check is ok and PRAGMA foreign_key_check is empty;
#   - the database holds exactly what it held before, or exactly what a clean
#     run leaves (every table, timestamps aside): nothing half-written;
#   - an output file is the clean run's, byte for byte, or is not there, and
#     no temporary file is left beside it;
#   - AddressSanitizer and UndefinedBehaviorSanitizer saw nothing (either
#     would end the program with another status).
# usage: faults.sh COLLECTOR_FAULT ANALYSER_FAULT   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${TALLY_FAULT_RUNS:-16}
LAST=8
SEED=${TALLY_FAULT_SEED:-$(( $(date +%s) % 32768 ))}
RANDOM=$SEED
echo "fault steps drawn with TALLY_FAULT_SEED=$SEED"
LOG=$TMP/fault.log
unset TALLY_FAULT TALLY_FAULT_LOG

# state DB: "ok DIGEST" for a sound database, where DIGEST covers every row
# of every table but the columns ending in _at (times); else what is wrong.
# The query is made from the base database's schema (setup, below).
DIGEST_SQL=$TMP/digest.sql
state() {
	local r
	r=$(sqlite3 "$1" <"$DIGEST_SQL" 2>&1)
	case $r in
	$'ok\n0\n'*) echo "ok $(printf %s "$r" | sha256sum | cut -c1-64)" ;;
	*) echo "unsound: $(printf %s "$r" | head -3 | tr '\n' ' ')" ;;
	esac
}
copy() { rm -f "$2" "$2-wal" "$2-shm" "$2-journal"; cp "$1" "$2"; }
field() { awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' "$LOG"; }

# ---- the database each command starts from ---------------------------------
BASE=$TMP/base.db
setup() {
	run "$@"
	[ "$rc" -eq 0 ] || fail "setting up: $* exited $rc" "$err"
}
setup "$COLLECTOR" init "$BASE" "$S/exercise-2019.xml"
setup "$COLLECTOR" postcodes load "$BASE" "$S/postcodes/outward-shares.csv" \
	"$S/postcodes/staffs-postcodes.csv"
setup "$COLLECTOR" import "$BASE" "$X/google-forms-online.csv" \
	--map "$X/google-forms-online.map.xml" -q
setup "$COLLECTOR" import "$BASE" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q
setup "$ANALYSER" tag "$BASE" "$S/rules/twb-2019.rules.xml"
setup "$ANALYSER" action add "$BASE" --theme ACCESS-PARKING --owner "Estates team" \
	--date 2019-11-01 --text "More parking spaces at Royal Stoke."
{
	echo "PRAGMA integrity_check; SELECT count(*) FROM pragma_foreign_key_check;"
	echo "SELECT type, name, sql FROM sqlite_schema ORDER BY name;"
	sqlite3 "$BASE" "SELECT 'SELECT ' || group_concat('quote(\"' || p.name || '\")', ' || '','' || ')
			|| ' AS r FROM \"' || m.name || '\" ORDER BY r;'
		FROM sqlite_schema m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name NOT LIKE '%\_at' ESCAPE '\'
		GROUP BY m.name ORDER BY m.name"
} >"$DIGEST_SQL"
ERASE_ID=$(sqlite3 "$BASE" "SELECT external_id FROM response WHERE external_id IS NOT NULL
	ORDER BY id LIMIT 1 OFFSET 3")
[ -n "$ERASE_ID" ] || fail "setting up: no response with a survey id to erase"

OUT=$TMP/out
mkdir -p "$OUT"
# A new version of the rule set (other bytes, so every answer is tagged again).
NEW_RULES=$TMP/new.rules.xml
{ cat "$S/rules/twb-2019.rules.xml"; echo "<!-- revised -->"; } >"$NEW_RULES"

# sweep NAME KIND[:once] OUTPUT CMD... (CMD's database is $TMP/work.db, OUTPUT
# a file it writes, "stdout" for a table it prints, or "-"): the clean run,
# then the runs with faults.
sweep() {
	local name=$1 spec=$2 output=$3 kind=${2%%:*} mode=""
	shift 3
	[ "$spec" != "$kind" ] && mode=":${spec#*:}"
	local before after clean_out="" total stride start n runs=0 fired st bad=0 done_=0 ended=0

	before=$(state "$BASE")
	copy "$BASE" "$TMP/work.db"
	rm -f "$OUT"/*
	TALLY_FAULT=count TALLY_FAULT_LOG=$LOG run "$@"
	if [ "$rc" -ne 0 ]; then
		fail "$name: the clean run exited $rc" "$err"
		return
	fi
	after=$(state "$TMP/work.db")
	if [ "$output" = stdout ]; then
		clean_out=$(sha256sum <<<"$out")
	elif [ "$output" != - ]; then
		clean_out=$(sha256sum <"$output")
	fi
	total=$(field "$kind")
	if [ "${total:-0}" -eq 0 ]; then
		fail "$name: the clean run counted no $kind steps"
		return
	fi
	if [ "$RUNS" -eq 0 ] || [ "$total" -le "$RUNS" ]; then
		stride=1
	else
		stride=$(((total + RUNS - 1) / RUNS))
	fi
	# The drawn steps, then each of the last LAST (committing, emptying the
	# write-ahead log, closing: where a fault is easiest to overlook).
	local steps=()
	for ((start = 1; start <= total; start += stride)); do
		n=$((start + RANDOM % stride))
		[ "$n" -le "$total" ] && steps+=("$n")
	done
	for ((n = total - LAST + 1; n <= total && stride > 1; n++)); do
		[ "$n" -ge 1 ] && steps+=("$n")
	done
	for n in "${steps[@]}"; do
		runs=$((runs + 1))
		copy "$BASE" "$TMP/work.db"
		rm -f "$OUT"/*
		TALLY_FAULT=$kind:$n$mode TALLY_FAULT_LOG=$LOG run "$@"
		fired=$(field fired)
		# Before anything else opens the database (and empties its log).
		wal=0
		[ -s "$TMP/work.db-wal" ] && wal=1
		st=$(state "$TMP/work.db")
		local where="$name, $kind:$n$mode: exit $rc"
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
			bad=$((bad + 1))
			fail "$where, expected 3 (or 0)" "${err:0:2000}"
			continue
		fi
		if [ "$rc" -eq 3 ] && ! grep -qiE 'out of memory|I/O error|disk|(cannot|unable to) (open|write|read|create)' <<<"$err"; then
			bad=$((bad + 1))
			fail "$where, and the message does not say memory or I/O failed" "${err:0:2000}"
		fi
		if [ "$rc" -eq 3 ] && [ "$kind" = io ] && [[ $err != *work.db* ]]; then
			bad=$((bad + 1))
			fail "$where, and the message does not name the database" "${err:0:2000}"
		fi
		if [ "$rc" -eq 3 ] && [ "${fired:-0}" -eq 0 ]; then
			bad=$((bad + 1))
			fail "$where, though no fault was injected" "${err:0:2000}"
		fi
		if [ "${st%% *}" != ok ]; then
			bad=$((bad + 1))
			fail "$where, and the database is damaged: $st"
		elif [ "$st" = "$after" ]; then
			:
		elif [ "$st" != "$before" ]; then
			bad=$((bad + 1))
			fail "$where, and the database is half-written: neither the state before nor after"
		elif [ "$rc" -eq 0 ] && [ "$before" != "$after" ]; then
			bad=$((bad + 1))
			fail "$where, yet the work was not done"
		fi
		# A published table is printed whole after it is recorded, or not at all.
		if [ "$output" = stdout ]; then
			if [ "$rc" -ne 0 ] && [ -n "$out" ]; then
				bad=$((bad + 1))
				fail "$where, yet it printed a table it did not record" "${out:0:200}"
			elif [ "$rc" -eq 0 ] && [ "$(sha256sum <<<"$out")" != "$clean_out" ]; then
				bad=$((bad + 1))
				fail "$where, and the table printed differs from the clean run's"
			fi
		elif [ "$output" != - ]; then
			if [ -e "$output" ] && [ "$(sha256sum <"$output")" != "$clean_out" ]; then
				bad=$((bad + 1))
				fail "$where, and $(basename "$output") is half-written"
			elif [ -z "$(ls "$OUT")" ] || [ "$(ls "$OUT")" = "$(basename "$output")" ] ||
				{ [ -e "$output" ] && [ "$(ls "$OUT" | grep -vxF "$(basename "$output")")" = \
					"$(basename "${output%.csv}").dictionary.csv" ]; }; then
				# An export and the data dictionary beside it (docs/export.md).
				:
			elif [ "$name" = report ] && [ "$(ls "$OUT" | tr '\n' ' ')" = \
				"$(basename "$output" .html)-fragment.html $(basename "$output") " ]; then
				: # the report's page and its fragment: both or neither
			else
				bad=$((bad + 1))
				fail "$where, and files are left beside the output: $(ls "$OUT" | tr '\n' ' ')"
			fi
			if [ "$rc" -eq 0 ] && [ ! -e "$output" ]; then
				bad=$((bad + 1))
				fail "$where, yet $(basename "$output") was not written"
			fi
			if [ "$rc" -eq 0 ] && [ "$name" = export ] && [ ! -e "${output%.csv}.dictionary.csv" ]; then
				bad=$((bad + 1))
				fail "$where, yet $(basename "$output") was written without its dictionary"
			fi
		fi
		# An erasure that says it is done leaves no copy in the write-ahead log.
		if [ "$rc" -eq 0 ] && [ "$name" = erase ] && [ "$wal" -eq 1 ]; then
			bad=$((bad + 1))
			fail "$where, yet old pages stay in the write-ahead log"
		fi
		[ "$rc" -eq 3 ] && ended=$((ended + 1))
		[ "$rc" -eq 0 ] && done_=$((done_ + 1))
	done
	local which="every one"
	[ "$stride" -gt 1 ] && which="one in each $stride, and the last $LAST"
	[ "$bad" -eq 0 ] &&
		ok "$name, $kind faults$mode: $runs runs over $total steps ($which), $ended stopped with exit 3, $done_ finished the work; each left a sound database, before or after, whole" ||
		fail "$name, $kind faults$mode: $bad of $runs runs went wrong"
}

# The commands, each on a copy of the base database.
IMPORT=("$COLLECTOR" import "$TMP/work.db" "$X/surveymonkey-online.csv"
	--map "$X/surveymonkey-online.map.xml" -q)
TAG=("$ANALYSER" tag "$TMP/work.db" "$NEW_RULES")
ERASE=("$COLLECTOR" erase "$TMP/work.db" --external-id "$ERASE_ID" --by "Data Protection Officer"
	--reason "fault injection" --yes)
REPORT=("$ANALYSER" report "$TMP/work.db" --you-said-we-did "$OUT/yswd.html" --top 3)
EXPORT=("$ANALYSER" export "$TMP/work.db" --healthwatch "$OUT/healthwatch.csv")
COUNTS=("$ANALYSER" counts "$TMP/work.db" --format csv)

# TALLY_FAULT_KINDS and TALLY_FAULT_COMMANDS narrow the sweeps (to find a fault
# again). Output files fail only in the commands that write one.
for kind in ${TALLY_FAULT_KINDS:-io oom io:once oom:once file file:once}; do
	for c in ${TALLY_FAULT_COMMANDS:-import tag erase report export counts}; do
		case $kind:$c in
		file*:import | file*:tag | file*:erase | file*:counts) ;;
		oom*:export | io*:export) ;;
		*:import) sweep import "$kind" - "${IMPORT[@]}" ;;
		*:tag) sweep tag "$kind" - "${TAG[@]}" ;;
		*:erase) sweep erase "$kind" - "${ERASE[@]}" ;;
		*:report) sweep report "$kind" "$OUT/yswd.html" "${REPORT[@]}" ;;
		*:export) sweep export "$kind" "$OUT/healthwatch.csv" "${EXPORT[@]}" ;;
		*:counts) sweep counts "$kind" stdout "${COUNTS[@]}" ;;
		esac
	done
done

finish
