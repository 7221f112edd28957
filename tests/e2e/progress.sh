#!/usr/bin/env bash
# End-to-end: what a terminal gets and a pipe does not. Long jobs say how
# far they are on a terminal, and nothing of the kind reaches a pipe or a
# log: postcodes load and import (percent and rate), tag (answers and rate),
# report and export (the percent of their steps done, time so far and left). Tables fit the terminal's width
# (pty_run's is 80 columns) and are as wide as they need in a pipe.
# usage: progress.sh COLLECTOR ANALYSER PTY_RUN   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
PTY=$3
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
RULES=$S/rules/twb-2019.rules.xml

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null

# at_terminal NAME RC EXPECT... -- PROGRAM ARGS...: runs PROGRAM at a
# pseudo-terminal; each EXPECT must appear, in order, and it must exit RC.
at_terminal() {
	local name=$1 code=$2
	shift 2
	: >"$TMP/$name.script"
	while [ "$1" != -- ]; do
		printf 'expect %s\n' "$1" >>"$TMP/$name.script"
		shift
	done
	shift
	printf 'exit %s\n' "$code" >>"$TMP/$name.script"
	run "$PTY" -t 120 -o "$TMP/$name.out" "$TMP/$name.script" -- "$@"
	if [ "$rc" -eq 0 ]; then ok "$name at a terminal: shows its progress"
	else fail "$name at a terminal: no progress shown" "$err"; fi
}

# in_pipe NAME PROGRAM ARGS...: runs it with stdout and stderr in pipes; no
# progress line (no carriage return, no "rows/s", no "working") may appear.
in_pipe() {
	local name=$1
	shift
	"$@" 2>&1 | cat >"$TMP/$name.pipe"
	if grep -q $'\r' "$TMP/$name.pipe" || grep -qE 'rows/s|answers/s|working|% \(' "$TMP/$name.pipe"; then
		fail "$name in a pipe: a progress line was written" "$(head -c 300 "$TMP/$name.pipe")"
	else
		ok "$name in a pipe: no progress line"
	fi
}

# --- postcodes load: the full postcode file is the long one -------------------
at_terminal "postcodes load" 0 "staffs-postcodes.csv: " " rows" "%" "loaded" -- \
	"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" \
	"$S/postcodes/staffs-postcodes.csv"
in_pipe "postcodes load" "$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" \
	"$S/postcodes/staffs-postcodes.csv"

# --- import: a CSV of some thousands of rows (the sample, many times over) ---
# Each copy's responses a few seconds later, so that each is a response of its own.
big=$TMP/many.csv
python3 - "$X/google-forms-online.csv" "$big" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
with open(sys.argv[2], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(rows[0])
    for k in range(22):
        for r in rows[1:]:
            r = list(r)
            secs = (int(r[0][-2:]) + k) % 60
            r[0] = '%s%02d' % (r[0][:-2], secs) if k < 60 else r[0]
            w.writerow(r)
PY
at_terminal "import" 0 "many.csv: " " rows" "rows/s" "%" -- \
	"$COLLECTOR" import "$DB" "$big" --map "$X/google-forms-online.map.xml"
in_pipe "import" "$COLLECTOR" import "$DB" "$big" --map "$X/google-forms-online.map.xml"
# --quiet: no progress even at a terminal.
printf 'exit 0\n' >"$TMP/quiet.script"
run "$PTY" -o "$TMP/quiet.out" "$TMP/quiet.script" -- \
	"$COLLECTOR" import "$DB" "$big" --map "$X/google-forms-online.map.xml" --quiet
expect_eq "import --quiet at a terminal: no progress line" \
	"$(grep -c 'rows/s' "$TMP/quiet.out")" 0
for f in surveymonkey-online paper-forms easy-read-paper; do
	"$COLLECTOR" import "$DB" "$X/$f.csv" --map "$X/$f.map.xml" >/dev/null 2>&1
done

# --- tag: answers read, their rate and how far through ------------------------
cp "$DB" "$TMP/copy.db"
at_terminal "tag" 0 "tagging: " " answers" "answers read" -- "$ANALYSER" tag "$DB" "$RULES"
in_pipe "tag" "$ANALYSER" tag "$TMP/copy.db" "$RULES"

# --- report and export: the percent of their steps done -----------------------
at_terminal "report" 0 "report: " "% (" " of " "wrote " -- \
	"$ANALYSER" report "$DB" --you-said-we-did "$TMP/yswd.html"
in_pipe "report" "$ANALYSER" report "$DB" --you-said-we-did "$TMP/yswd2.html"
at_terminal "export" 0 "export: " "% (" " of " "wrote " -- \
	"$ANALYSER" export "$DB" --healthwatch "$TMP/hw.csv"
expect_eq "export at a terminal: reaches 100%" "$(grep -c '100% (' "$TMP/export.out")" 1
in_pipe "export" "$ANALYSER" export "$DB" --healthwatch "$TMP/hw2.csv"
# The progress line is cleared before the result is said: what the screen
# shows after each carriage return, "wrote" starts a line of its own.
expect_eq "export at a terminal: the result is not written over" \
	"$(sed 's/\x1b\[K//g; s/\r$//' "$TMP/export.out" | awk -F'\r' '{ print $NF }' | grep -c '^wrote ')" 1

# --- tables fit the terminal -------------------------------------------------
# widest FILE: the widest line, as the screen shows it (after the last \r).
widest() { sed 's/\r$//' "$1" | awk -F'\r' '{ if (length($NF) > m) m = length($NF) } END { print m + 0 }'; }
at_terminal "counts" 0 "Respondents" -- "$ANALYSER" counts "$DB"
w=$(widest "$TMP/counts.out")
if [ "$w" -le 80 ] && [ "$w" -gt 40 ]; then ok "counts at an 80-column terminal: $w columns"
else fail "counts at an 80-column terminal: $w columns"; fi
expect_eq "counts at a terminal: every district still shown" \
	"$(grep -c 'Tamworth\|Cannock' "$TMP/counts.out")" 2
at_terminal "counts by two" 0 "Respondents by" -- "$ANALYSER" counts "$DB" --by district,channel
w=$(widest "$TMP/counts by two.out")
if [ "$w" -le 80 ]; then ok "counts by two at an 80-column terminal: $w columns"
else fail "counts by two at an 80-column terminal: $w columns"; fi
at_terminal "status" 0 "Postcode lookup" -- "$COLLECTOR" status "$DB"
w=$(widest "$TMP/status.out")
if [ "$w" -le 80 ]; then ok "status at an 80-column terminal: $w columns"
else fail "status at an 80-column terminal: $w columns"; fi
expect_eq "status at a terminal: a venue on a line of its own, whole" \
	"$(tr -d '\r' <"$TMP/status.out" | grep -c '^        Victoria Hall, Hanley, Stoke-on-Trent$')" 1
"$COLLECTOR" status "$DB" >"$TMP/status.pipe"
expect_eq "status in a pipe: a row a line" \
	"$(grep -c 'Stoke-on-Trent .*Victoria Hall, Hanley' "$TMP/status.pipe")" 1
"$ANALYSER" counts "$DB" >"$TMP/counts.pipe"
w=$(widest "$TMP/counts.pipe")
if [ "$w" -gt 120 ]; then ok "counts in a pipe: full width ($w columns)"
else fail "counts in a pipe: cut to $w columns"; fi
"$ANALYSER" counts "$DB" --width 100 >"$TMP/counts.100"
w=$(widest "$TMP/counts.100")
if [ "$w" -le 100 ] && [ "$w" -gt 80 ]; then ok "counts --width 100: $w columns"
else fail "counts --width 100: $w columns"; fi
# numbers FILE: the counts in a table, labels aside (a block repeats them), as one sum.
numbers() { sed 's/^ *[A-Za-z][^0-9]*[A-Za-z] *[0-9]* [A-Za-z][^0-9]*  //' "$1" | grep -o '[0-9]\+' | sort -n | md5sum; }
expect_eq "counts --width 100: the same numbers as the full table" \
	"$(numbers "$TMP/counts.100")" "$(numbers "$TMP/counts.pipe")"

finish
