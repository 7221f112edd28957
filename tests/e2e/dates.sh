#!/usr/bin/env bash
# End-to-end: how an import reads its date column, and responses dated
# outside the exercise's opening and closing dates.
# usage: dates.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
DB=$TMP/survey.db

run "$COLLECTOR" init "$DB" "$S/exercise-2019.xml"
expect_rc "init" 0

# mapping FILE [ATTRIBUTES OF <submitted>]: a small online mapping, dates="auto".
mapping() {
	cat >"$1" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<mapping exercise="twb-2019" form="standard" channel="online" dates="auto">
  <response-id field="Respondent" required="true" prefix="$(basename "$1" .map.xml)"/>
  <submitted field="Submitted" ${2:-}/>
  <question code="UEC-WELL" field="What works well in urgent care?"/>
</mapping>
XML
}
HEAD='Respondent,Submitted,What works well in urgent care?'
stored() { sqlite3 "$DB" "SELECT group_concat(submitted_at, ' ') FROM (SELECT submitted_at FROM response WHERE external_id LIKE '$1:%' ORDER BY external_id)"; }

# --- dates="auto" decides per column --------------------------------------------
# A US column: 06/13/2019 reads only month-first, so 06/05/2019 is 5 June, not 6 May.
mapping "$TMP/us.map.xml"
printf '%s\nA1,06/05/2019 09:00,Kind\nA2,06/13/2019 10:00,Quick\n' "$HEAD" >"$TMP/us.csv"
run "$COLLECTOR" import "$DB" "$TMP/us.csv" --map "$TMP/us.map.xml" -q
expect_rc "US column" 0
expect_out "US column" " 0 rejected"
expect_eq "US column read month-first" "$(stored us)" "2019-06-05T09:00:00 2019-06-13T10:00:00"

# A UK column: 13/06/2019 reads only day-first; ISO values are read as ever.
mapping "$TMP/uk.map.xml"
printf '%s\nB1,05/06/2019,Kind\nB2,13/06/2019,Quick\nB3,2019-06-20,Fine\n' "$HEAD" >"$TMP/uk.csv"
run "$COLLECTOR" import "$DB" "$TMP/uk.csv" --map "$TMP/uk.map.xml" -q
expect_rc "UK column" 0
expect_eq "UK column read day-first" "$(stored uk)" "2019-06-05 2019-06-13 2019-06-20"

# Only dates that read as two different days: refused, with the evidence.
mapping "$TMP/amb.map.xml"
printf '%s\nC1,05/06/2019,Kind\nC2,06/06/2019,Quick\nC3,07/06/2019,Fine\n' "$HEAD" >"$TMP/amb.csv"
run "$COLLECTOR" import "$DB" "$TMP/amb.csv" --map "$TMP/amb.map.xml" -q
expect_rc "ambiguous column" 1
expect_err "ambiguous column" "column 'Submitted': no date tells day from month: 2 dates read as two different days (first line 2)"
expect_err "ambiguous column" 'dates="dd/mm/yyyy"'
expect_eq "ambiguous column: nothing stored" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE external_id LIKE 'amb:%'")" 0
# The mapping that says which way is taken.
sed 's|dates="auto"|dates="dd/mm/yyyy"|' "$TMP/amb.map.xml" >"$TMP/amb2.map.xml"
run "$COLLECTOR" import "$DB" "$TMP/amb.csv" --map "$TMP/amb2.map.xml" -q
expect_rc "ambiguous column, dates given" 0
expect_eq "ambiguous column, dates given" "$(stored amb)" "2019-06-05 2019-06-06 2019-06-07"

# Both kinds in one column: refused, naming one of each.
mapping "$TMP/mix.map.xml"
printf '%s\nD1,13/06/2019,Kind\nD2,05/06/2019,Quick\nD3,06/14/2019,Fine\n' "$HEAD" >"$TMP/mix.csv"
run "$COLLECTOR" import "$DB" "$TMP/mix.csv" --map "$TMP/mix.map.xml" -q
expect_rc "mixed column" 1
expect_err "mixed column" "mix.csv: column 'Submitted': the dates mix day-first and month-first: line 2 reads only as dd/mm/yyyy, line 4 only as mm/dd/yyyy"
expect_eq "mixed column: nothing stored" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE external_id LIKE 'mix:%'")" 0

# --- dates outside the exercise (2019-06-03 to 2019-08-25) ----------------------
# Kept and flagged by default: a 2021 date and LimeSurvey's 1980 placeholder.
mapping "$TMP/out.map.xml"
printf '%s\nE1,2019-06-10,Kind\nE2,2021-06-10,Quick\nE3,1980-01-01 00:00:00,Fine\nE4,2019-08-25 23:59,Late\nE5,,Undated\n' "$HEAD" >"$TMP/out.csv"
run "$COLLECTOR" import "$DB" "$TMP/out.csv" --map "$TMP/out.map.xml" -q
expect_rc "outside, kept" 0
expect_out "outside, kept" "5 imported, 0 rejected"
expect_out "outside, kept" "2 dated outside the exercise's opening and closing dates: kept and flagged"
expect_eq "outside, flagged" "$(sqlite3 "$DB" "SELECT group_concat(external_id, ' ') FROM (SELECT external_id FROM response WHERE outside_dates = 1 ORDER BY external_id)")" "out:E2 out:E3"

# outside="reject": rejected with the rule, the rest imported.
mapping "$TMP/rej.map.xml" 'outside="reject"'
sed 's/^E/F/' "$TMP/out.csv" >"$TMP/rej.csv"
run "$COLLECTOR" import "$DB" "$TMP/rej.csv" --map "$TMP/rej.map.xml" -q
expect_rc "outside, rejected" 1
expect_out "outside, rejected" "5 read, 3 imported, 2 rejected"
expect_err "outside, rejected" "rej.csv:3: column 'Submitted': the date is outside the exercise's 2019-06-03 to 2019-08-25 and the mapping says outside=\"reject\""
expect_err "outside, rejected" "rej.csv:4: column 'Submitted'"
expect_eq "outside, rejected: none flagged" "$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE external_id LIKE 'rej:%' AND outside_dates = 1")" 0

# counts --within-dates leaves the flagged responses out.

# counts --within-dates leaves the flagged responses out; published formats refuse it.
run "$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml"
expect_rc "tag" 0
respondents() { "$ANALYSER" counts "$DB" --by channel "$@" | awk '/^Respondents/ { print $2 }'; }
all=$(sqlite3 "$DB" "SELECT count(*) FROM response WHERE channel = 'online'")
expect_eq "counts: every response" "$(respondents)" "$all"
expect_eq "counts --within-dates: the flagged two left out" "$(respondents --within-dates)" "$((all - 2))"
run "$ANALYSER" counts "$DB" --within-dates --format csv
expect_rc "counts --within-dates --format csv" 2
expect_err "counts --within-dates --format csv" "--within-dates is for the table"

# Times with a zone are compared in UK time: 23:30 UTC on the evening before
# the exercise opens is 00:30 BST on its first day (inside); 23:30 UTC on the
# day it closes is 00:30 BST the next day (outside).
mapping "$TMP/zone.map.xml"
printf '%s\nZ1,2019-06-02T23:30:00Z,Kind\nZ2,2019-08-25T23:30:00Z,Quick\nZ3,2019-06-03T00:30:00+01:00,Fine\n' "$HEAD" >"$TMP/zone.csv"
run "$COLLECTOR" import "$DB" "$TMP/zone.csv" --map "$TMP/zone.map.xml" -q
expect_rc "zoned times" 0
expect_eq "zoned times: stored in UK time" "$(sqlite3 "$DB" "SELECT group_concat(submitted_at, ' ') FROM (SELECT submitted_at FROM response WHERE external_id LIKE 'zone:%' ORDER BY external_id)")" "2019-06-03T00:30:00 2019-08-26T00:30:00 2019-06-03T00:30:00"
expect_eq "zoned times: only the one after closing is outside" "$(sqlite3 "$DB" "SELECT group_concat(external_id, ' ') FROM response WHERE external_id LIKE 'zone:%' AND outside_dates = 1")" "zone:Z2"

finish
