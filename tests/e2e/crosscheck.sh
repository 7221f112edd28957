#!/bin/bash
# Cross-field checks declared in the exercise (docs/exercise-format.md): the
# cases of tests/check_crosscheck.c through `collector enter --from` (a row
# that breaks one refuses the file, with file:line and the check) and through
# `collector import` (stored as given, a warning each and a count).
set -u
COLLECTOR=$1
. "$(dirname "$0")/lib.sh"
F=$TALLY_FIXTURES/crosscheck
DB=$TMP/survey.db

q() { sqlite3 "$DB" "$1"; }

run "$COLLECTOR" init "$DB" "$F/exercise.xml"
expect_rc "init with cross-field checks" 0
expect_eq "exclusive options stored" "$(q "SELECT group_concat(code, ' ') FROM question_option WHERE exclusive = 1")" "none dont-know"
expect_eq "skip rules stored" "$(q "SELECT count(*) FROM question_ask_if")" 3

# enter --from: each row that breaks a check is named, nothing is stored.
run "$COLLECTOR" enter "$DB" --event LE-TAM-1 --officer "Jo Bloggs" --from "$F/cases.csv"
expect_rc "enter --from with rows breaking checks" 1
expect_err "exclusive" "cases.csv:4: question 'SERVICES': option 'none' is ticked with another option, but it is exclusive"
expect_err "two exclusive" "cases.csv:5: question 'SERVICES': option 'none' is ticked with another option"
expect_err "don't know" "cases.csv:6: question 'SERVICES': option 'dont-know' is ticked with another option"
expect_err "skip rule" "cases.csv:7: question 'SERVICES' is answered, but it is asked only when 'USED' is 'yes' or 'not-sure', and 'USED' has another answer"
expect_err "skip rule, free text" "cases.csv:8: question 'WELL' is answered, but it is asked only when 'USED' is 'yes'"
expect_err "not sure does not ask WELL" "cases.csv:11: question 'WELL' is answered"
expect_err "unreadable USED: exclusive still checked" "cases.csv:13: question 'SERVICES': option 'none'"
expect_err "two questions on one row" "cases.csv:15: question 'WELL' is answered"
nlines=$(printf '%s\n' "$err" | grep -c 'cases.csv:[0-9]*:')
expect_eq "one message a broken check" "$nlines" 9
case "$err" in *"Kind staff"*) fail "a message repeats an answer" "$err" ;; *) ok "no message repeats an answer" ;; esac
expect_eq "nothing stored from the refused file" "$(q "SELECT count(*) FROM response")" 0

# The rows that break nothing (blank or unreadable: not known) are stored.
run "$COLLECTOR" enter "$DB" --event LE-TAM-1 --officer "Jo Bloggs" --from "$F/good.csv"
expect_rc "enter --from with good rows" 0
expect_eq "good rows stored" "$(q "SELECT count(*) FROM response")" 6

# import: stored as given, a warning with its place for each, and a count.
run "$COLLECTOR" import "$DB" "$F/export.csv" --map "$F/export.map.xml"
expect_rc "import with rows breaking checks" 0
expect_out "import counts them" "7 read, 7 imported, 0 rejected"
expect_out "import says how many break a check" "4 stored as given though they break a cross-field check"
expect_err "import warns: exclusive" "export.csv:4: question 'SERVICES': option 'none' is ticked with another option, but it is exclusive (ticked on its own only) (stored as given)"
expect_err "import warns: skip rule" "export.csv:5: question 'SERVICES' is answered, but it is asked only when 'USED'"
expect_err "import warns: free text" "export.csv:6: question 'WELL' is answered"
expect_err "import warns: not sure" "export.csv:8: question 'WELL' is answered"
case "$err" in *"export.csv:2:"*|*"export.csv:3:"*|*"export.csv:7:"*) fail "a good row is warned about" "$err" ;; *) ok "good rows are not warned about" ;; esac
expect_eq "every imported answer kept" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.channel = 'online' AND a.option_id IN (SELECT id FROM question_option WHERE code = 'none')")" 2
expect_eq "nothing rejected" "$(q "SELECT count(*) FROM reject")" 0

finish
