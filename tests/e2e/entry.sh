#!/usr/bin/env bash
# End-to-end: officers typing in paper and Easy Read forms, double entry and
# settling differences, with the real binary at a real (pseudo-)terminal.
# usage: entry.sh COLLECTOR ANALYSER PTY_RUN   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
PTY=$3
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES/entry
DB=$TMP/survey.db

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null

q() { sqlite3 "$DB" "$1"; }

# Script steps for pty_run. NQ is the number of questions on the form.
NQ=28
# ask N TEXT: at question N, type TEXT.
ask() { printf 'expect Question %s of %s\nexpect > \nsend %s\n' "$1" "$NQ" "$2"; }
# say N LINE...: at question N (free text), type the lines, then an empty line.
say() {
	local n=$1
	shift
	printf 'expect Question %s of %s\nexpect > \nsend %s\n' "$n" "$NQ" "$1"
	shift
	for l in "$@"; do printf 'expect ... \nsend %s\n' "$l"; done
	printf 'expect ... \nsend\n'
}
# blanks FROM TO: questions FROM to TO left blank.
blanks() { for i in $(seq "$1" "$2"); do ask "$i" s; done; }
# serial TEXT: at the serial number prompt, type TEXT.
serial() { printf 'expect Serial number written on the form (q to finish):\nexpect > \nsend %s\n' "$1"; }
# save: at the review, save the form.
save() { printf 'expect Type y to save it\nexpect > \nsend y\n'; }

# drive NAME ARGS...: runs collector ARGS at a terminal, following the script
# on stdin; the transcript is left in $TMP/NAME.out.
drive() {
	local name=$1
	shift
	cat >"$TMP/$name.script"
	run "$PTY" -o "$TMP/$name.out" "$TMP/$name.script" -- "$COLLECTOR" "$@"
	if [ "$rc" -eq 0 ]; then ok "$name: the session went as scripted"; else fail "$name: the session did not go as scripted" "$err"; fi
}

# --- help ------------------------------------------------------------------------
run "$COLLECTOR" enter --help
expect_rc "enter --help" 0
expect_out "enter --help" "usage: collector enter DB --event CODE --officer NAME"
expect_out "enter --help" "s        skip: the question is left blank on the form"
wide=$(printf '%s\n' "$out" | LC_ALL=C.UTF-8 awk 'length > 80' | wc -l)
expect_eq "enter --help fits 80 columns" "$wide" 0
run "$COLLECTOR" resolve --help
expect_rc "resolve --help" 0
expect_out "resolve --help" "usage: collector resolve DB --officer NAME"
run "$COLLECTOR" enter "$DB" --officer "Jo Bloggs"
expect_rc "enter without --event" 2
expect_err "enter without --event" "enter needs --event CODE"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --form large-print
expect_rc "enter with an unknown form" 2
run "$COLLECTOR" resolve "$DB"
expect_rc "resolve without --officer" 2
run "$COLLECTOR" enter "$DB" --questions --form easy-read
expect_rc "questions" 0
expect_out "questions" "ER-HELP-FEEL"

# --- a whole standard form, with a typo corrected and a back-step ------------
{
	serial 101
	ask 1 1,2                   # two ticks on a one-box question
	printf 'expect This question takes one answer, but you typed 2.\nexpect > \nsend 1\n'
	ask 2 1,4
	say 3 "The staff at the walk-in centre were kind." "The wait was short."
	ask 4 s
	ask 5 7                     # a typo: there is no option 7
	printf 'expect There is no option with that number: type a number from 1 to 5\nexpect > \nsend 2\n'
	ask 6 b                     # back to question 5 ...
	printf 'expect Question 5 of 28\nexpect Now: 2 Satisfied. Press Enter to keep it.\nexpect > \nsend 3\n'
	blanks 6 13                 # ... which now says 3, then on
	ask 14 1
	blanks 15 19
	ask 20 8
	ask 21 u
	ask 22 s
	ask 23 "ST4 6Q"             # not a postcode
	printf "expect That is not the shape of a UK postcode\nexpect > \nsend st4 6qg\n"
	ask 24 3
	ask 25 1
	ask 26 1
	ask 27 2
	ask 28 2
	# The review shows every answer; question 20 is changed from there.
	printf 'expect Form 101: check every answer against the paper form.\n'
	printf 'expect   5  UEC-SAT\nexpect 3 Neither satisfied nor\n'
	# Paged to fit a 24-line screen: Enter shows the next page.
	printf 'expect Page 1 of 2: press Enter for the next page.\nexpect > \nsend\n'
	printf 'expect  23  POSTCODE\nexpect ST4 6QG\nexpect Page 2 of 2\n'
	printf 'expect Type y to save it\nexpect > \nsend 20\n'
	printf 'expect Question 20 of 28\nexpect Now: 8.\nexpect > \nsend 9\n'
	save
	printf 'expect Saved form 101 (1 in this batch).\n'
	serial q
	printf 'expect Finished: 1 form saved in this session.\nexit 0\n'
} | drive whole-form enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs"
# The review's first page, from the blank line above its heading to the
# prompt's "> ", fits a 24-line screen.
lines=$(tr -d '\r' <"$TMP/whole-form.out" | awk '/Form 101: check every answer/ && !a { a = NR }
	/Page 1 of 2/ && a && !b { b = NR } END { print (a && b) ? b - a + 4 : 99 }')
if [ "$lines" -le 24 ]; then ok "the review's page fits 24 lines: $lines"
else fail "the review's page takes $lines lines"; fi
expect_eq "form 101 stored" "$(q "SELECT r.channel || ' ' || r.form_variant || ' ' || v.code || ' ' || r.officer || ' ' || r.entry_status || ' ' || r.postcode || ' ' || r.district_code FROM response r JOIN event v ON v.id = r.event_id WHERE r.serial = '101'")" \
	"paper standard LE-HAN-1 Jo Bloggs accepted ST4 6QG E06000021"
ans() { # SERIAL CODE: the stored answer to standard question CODE, as "state option value"
	q "SELECT group_concat(a.state || ' ' || coalesce(o.code, '-') || ' ' || coalesce(a.value, '-'), ' | ') FROM answer a JOIN response r ON r.id = a.response_id JOIN question q ON q.id = a.question_id LEFT JOIN question_option o ON o.id = a.option_id WHERE r.serial = '$1' AND q.code = '$2'"
}
expect_eq "two ticks corrected to one" "$(ans 101 RESPONDENT)" "answered public -"
expect_eq "both services" "$(ans 101 SERVICES)" "answered gp - | answered a-and-e -"
expect_eq "the typo corrected, then changed after a back-step" "$(ans 101 UEC-SAT)" "answered neither -"
expect_eq "free text over two lines" "$(ans 101 UEC-WELL)" "$(printf 'answered - The staff at the walk-in centre were kind.\nThe wait was short.')"
expect_eq "changed at the review" "$(ans 101 RECOMMEND)" "answered - 9"
expect_eq "unreadable kept" "$(ans 101 OTHER)" "unreadable - -"
expect_eq "left blank kept" "$(ans 101 UEC-BETTER)" "skipped - -"
expect_eq "postcode normalised" "$(ans 101 POSTCODE)" "answered - ST4 6QG"
expect_eq "one answer row a question" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.serial = '101'")" 29

# --- an unknown event asked again; a serial already entered; a kill mid-form ----
{
	printf "expect There is no event 'LE-HAM-1' in this exercise (did you mean LE-HAN-1\nexpect > \nsend LE-HAN-1\n"
	printf 'expect Batch LE-HAN-1 / Jo Bloggs: 1 form saved so far (serial 101), last at\n'
	printf 'expect Carrying on with form 2.\n'
	serial 101
	printf 'expect Form 101 is already entered (by Jo Bloggs, LE-HAN-1, at\n'
	serial 102
	ask 1 2
	blanks 2 28
	save
	printf 'expect Saved form 102 (2 in this batch).\n'
	serial 103
	ask 1 1
	ask 2 3
	printf 'expect Question 3 of 28\nexpect > \nsend Half a sentence\nexpect ... \n'
	printf 'kill\nkilled\n'
} | drive kill-mid-form enter "$DB" --event LE-HAM-1 --officer "Jo Bloggs"
expect_eq "forms confirmed before the kill are kept" "$(q "SELECT group_concat(serial, ' ') FROM (SELECT serial FROM response ORDER BY serial)")" "101 102"
expect_eq "the database is intact after the kill" "$(q "PRAGMA integrity_check")" "ok"
expect_eq "form 101 unchanged by the kill" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id WHERE r.serial = '101'")" 29
{
	printf 'expect Batch LE-HAN-1 / Jo Bloggs: 2 forms saved so far (serials 101-102), last at\n'
	printf 'expect Carrying on with form 3.\n'
	serial q
	printf 'expect Finished: 0 forms saved in this session.\nexit 0\n'
} | drive resume enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs"
expect_eq "one batch for the officer's session, reused" "$(q "SELECT count(*) || ' ' || max(rows_accepted) FROM import_batch WHERE format = 'entry' AND officer = 'Jo Bloggs' AND entry_mode = 'first'")" "1 2"

# --- the terminal closed mid-form: nothing of it saved, said, non-zero ---------
{
	serial 103
	ask 1 1
	printf 'expect Question 2 of 28\nexpect > \neof\n'
	printf 'expect the input ended in the middle of form 103, which was not saved\nexit 1\n'
} | drive eof-mid-form enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs"
expect_eq "form 103 not saved" "$(q "SELECT count(*) FROM response WHERE serial = '103'")" 0

# --- an Easy Read form, stored on the standard questions ----------------------
NQ=12
{
	serial E-1
	say 1 "They gave me pictures to help me understand."
	ask 2 s
	ask 3 1
	ask 4 1,3
	say 5 "More day centres."
	ask 6 2
	blanks 7 9
	ask 10 "ST6 6HS"
	ask 11 7
	ask 12 2
	save
	printf 'expect Saved form E-1 (1 in this batch).\n'
	serial q
	printf 'expect Finished: 1 form saved in this session.\nexit 0\n'
} | drive easy-read enter "$DB" --event RS-HAN-1 --officer "Kim Nowak" --form easy-read
NQ=28
expect_eq "Easy Read form stored" "$(q "SELECT channel || ' ' || form_variant || ' ' || district_source || ' ' || district_code FROM response WHERE serial = 'E-1'")" \
	"easy-read-paper easy-read postcode E06000021"
expect_eq "Easy Read answers on standard questions" "$(q "SELECT count(*) FROM answer a JOIN response r ON r.id = a.response_id JOIN question q ON q.id = a.question_id JOIN questionnaire n ON n.id = q.questionnaire_id WHERE r.serial = 'E-1' AND n.variant = 'standard' AND a.source_question_id IS NOT NULL")" 13
expect_eq "Good is stored as Satisfied" "$(ans E-1 UEC-SAT)" "answered satisfied -"
expect_eq "Easy Read ticks on the standard options" "$(ans E-1 SERVICES)" "answered gp - | answered nhs-111 -"
expect_eq "Easy Read age" "$(ans E-1 AGE)" "answered 65-74 -"
expect_eq "Easy Read free text under the standard question" "$(ans E-1 MH-BETTER)" "answered - More day centres."

# --- double entry: two real differences and one that normalisation removes ------
{
	serial 104
	ask 1 1
	ask 2 s
	say 3 "Café staff were kind."
	say 4 "The car park is too small"
	ask 5 2
	blanks 6 28
	save
	printf 'expect Saved form 104 (3 in this batch).\n'
	serial q
	printf 'expect Finished: 1 form saved\nexit 0\n'
} | drive first-entry enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs"

"$ANALYSER" tag "$DB" "$TALLY_FIXTURES/rules/small.rules.xml" >/dev/null
park() { "$ANALYSER" counts "$DB" --format csv --no-suppress 2>/dev/null | awk -F, '$1 == "PARK" && $4 == "(all)" { print $6 }'; }
expect_eq "an accepted form counts" "$(park)" 1

{
	serial 104
	printf 'expect You typed the first entry of form 104 yourself.\n'
	serial q
	printf 'expect Finished: 0 second entries saved\nexit 0\n'
} | drive same-officer enter "$DB" --event LE-HAN-1 --officer "jo bloggs" --verify

{
	printf 'expect Checking (second entry of) standard paper forms\n'
	serial 999
	printf 'expect Form 999 has not been entered yet\n'
	serial 104
	ask 1 1
	ask 2 s
	say 3 "CAFE"$'\xcc\x81'" STAFF WERE KIND"   # decomposed É, capitals, no full stop
	say 4 "The car park is far too small"
	ask 5 3
	blanks 6 28
	save
	printf 'expect It differs from the first entry at 2 questions:\n'
	printf 'expect First entry (Jo Bloggs)\nexpect Second entry (Sam Smith)\n'
	printf 'expect UEC-BETTER      The car park is too small      The car park is far too small\n'
	printf 'expect UEC-SAT         2 Satisfied                    3 Neither satisfied nor\n'
	printf "expect A supervisor settles them with 'collector resolve'.\n"
	serial q
	printf 'expect Finished: 1 second entry saved in this session.\nexit 0\n'
} | drive second-entry enter "$DB" --event LE-HAN-1 --officer "Sam Smith" --verify
expect_eq "the form waits for a supervisor" "$(q "SELECT entry_status FROM response WHERE serial = '104'")" differences
expect_eq "exactly two differences" "$(q "SELECT group_concat(q.code, ' ') FROM (SELECT q.code FROM entry_difference d JOIN question q ON q.id = d.question_id JOIN response r ON r.id = d.response_id WHERE r.serial = '104' ORDER BY q.position) q")" "UEC-BETTER UEC-SAT"
expect_eq "the second entry kept beside the first" "$(q "SELECT c.officer || ' ' || count(*) FROM entry_copy c JOIN entry_copy_answer a ON a.copy_id = c.id JOIN response r ON r.id = c.response_id WHERE r.serial = '104'")" "Sam Smith 28"
expect_eq "a form with differences does not count" "$(park)" 0

run "$COLLECTOR" status "$DB"
expect_out "status lists the form to resolve" "LE-HAN-1  Jo Bloggs               1 to resolve: 104"
run "$COLLECTOR" resolve "$DB" --list
expect_rc "resolve --list" 0
expect_out "resolve --list" "1 form has differences to settle."
expect_out "resolve --list" "Form 104 (LE-HAN-1, standard form): first entry by Jo Bloggs, second by Sam"

{
	printf 'expect 1 form has differences to settle.\n'
	printf 'expect Question 4 of 28  UEC-BETTER\n'
	printf 'expect 1  first entry (Jo Bloggs):\nexpect The car park is too small\n'
	printf 'expect 2  second entry (Sam Smith):\nexpect The car park is far too small\n'
	printf 'expect > \nsend c\n'
	say 4 "The car park is much too small"
	printf 'expect Settled: UEC-BETTER is now The car park is much too small\n'
	printf 'expect Question 5 of 28  UEC-SAT\nexpect > \nsend 2\n'
	printf 'expect Settled: UEC-SAT is now 3 Neither satisfied nor dissatisfied\n'
	printf 'expect Form 104 is verified: every difference is settled.\n'
	printf 'expect Finished: 2 differences settled, 1 form verified.\nexit 0\n'
} | drive resolve resolve "$DB" --officer "Ann Super"
expect_eq "the form is verified" "$(q "SELECT entry_status FROM response WHERE serial = '104'")" verified
expect_eq "the correction is stored" "$(ans 104 UEC-BETTER)" "answered - The car park is much too small"
expect_eq "the second entry taken" "$(ans 104 UEC-SAT)" "answered neither -"
expect_eq "who settled what, and what was replaced" "$(q "SELECT group_concat(x, ' | ') FROM (SELECT q.code || ': ' || e.choice || ', ' || e.replaced || ' -> ' || e.value || ', ' || e.resolved_by AS x FROM entry_resolution e JOIN question q ON q.id = e.question_id ORDER BY q.position)")" \
	"UEC-BETTER: correction, The car park is too small -> The car park is much too small, Ann Super | UEC-SAT: second, 2 Satisfied -> 3 Neither satisfied nor dissatisfied, Ann Super"
"$ANALYSER" tag "$DB" "$TALLY_FIXTURES/rules/small.rules.xml" >/dev/null
expect_eq "the verified form counts again" "$(park)" 1
run "$COLLECTOR" resolve "$DB" --list
expect_out "nothing left to settle" "0 forms have differences to settle."

# --- batch files: the same checks, stored whole or not at all --------------------
sqlite3 "$DB" "UPDATE exercise SET double_entry = 'required'"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$F/good.csv"
expect_rc "good batch file" 0
expect_out "good batch file" "good.csv: 3 forms saved for LE-HAN-1 by Jo Bloggs (serials 201-203)."
expect_eq "batch forms wait for a second entry" "$(q "SELECT count(*) FROM response WHERE serial IN ('201', '202', '203') AND entry_status = 'awaiting-second-entry'")" 3
expect_eq "batch multi-line text" "$(ans 201 UEC-WELL)" "$(printf 'answered - The nurses were kind.\nParking was a nightmare.')"
expect_eq "batch codes and labels" "$(ans 202 SERVICES)" "answered gp - | answered pharmacy -"
expect_eq "batch label of an option" "$(ans 203 UEC-SAT)" "answered neither -"
expect_eq "batch non-ASCII text" "$(ans 202 UEC-WELL)" "answered - Très bien 👍"
expect_eq "batch unreadable" "$(ans 202 AGE)" "unreadable - -"
expect_eq "batch column not in the file is blank" "$(ans 201 OTHER)" "skipped - -"
run "$COLLECTOR" status "$DB"
expect_out "status lists the forms to check" "LE-HAN-1  Jo Bloggs               3 to check  : 201 202 203"
expect_out "status counts typed forms" "7 forms typed in and 1 second entries, by 3 officers"

responses=$(q "SELECT count(*) FROM response")
batches=$(q "SELECT count(*) FROM import_batch")
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$F/bad.csv"
expect_rc "bad batch file" 1
expect_err "bad batch: option out of range" "bad.csv:2: RESPONDENT: there is no option with that number: type a number from 1 to 4"
expect_err "bad batch: two ticks" "bad.csv:3: RESPONDENT: this question takes one answer, but you typed 2"
expect_err "bad batch: postcode" "bad.csv:4: POSTCODE: that is not the shape of a UK postcode"
expect_err "bad batch: serial twice" "bad.csv:5: serial 301 appears twice in this file (first on line 2)"
expect_err "bad batch: serial entered before" "bad.csv:6: form 201 is already entered (by Jo Bloggs, LE-HAN-1"
expect_err "bad batch: a typing command" "bad.csv:8: UEC-WELL: 'b' means something only when typing forms in"
expect_err "bad batch: nothing saved" "bad.csv was not stored: nothing saved"
expect_eq "bad batch stored nothing" "$(q "SELECT count(*) FROM response") $(q "SELECT count(*) FROM import_batch")" "$responses $batches"
expect_eq "the good row of the bad file was not stored" "$(q "SELECT count(*) FROM response WHERE serial = '304'")" 0
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$F/bad-header.csv"
expect_rc "bad header" 1
expect_err "bad header" "bad-header.csv:1: column 'UEC-WEL' is not a question code of the standard form"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Jo Bloggs" --from "$F/no-such-file.csv"
expect_rc "batch file missing" 2
expect_err "batch file missing" "cannot open $F/no-such-file.csv"
run "$COLLECTOR" enter "$DB" --event NOPE --officer "Jo Bloggs" --from "$F/good.csv"
expect_rc "batch for an unknown event" 2
expect_err "batch for an unknown event" "there is no event 'NOPE' in this exercise"

run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Sam Smith" --from "$F/second.csv" --verify
expect_rc "second entries from a file" 0
expect_out "second entries from a file" "3 second entries saved for LE-HAN-1 by Sam Smith"
expect_out "second entries from a file" "2 agree with the first entry and are verified; 1 differ"
expect_out "second entries from a file" "Form 201 (line 2) differs from the first entry at 1 question:"
expect_eq "second entries from a file: statuses" "$(q "SELECT group_concat(serial || ' ' || entry_status, ', ') FROM (SELECT serial, entry_status FROM response WHERE serial IN ('201', '202', '203') ORDER BY serial)")" \
	"201 differences, 202 verified, 203 verified"

run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Kim Nowak" --from "$F/easy-read-mapped.csv" --map "$S/exports/easy-read-paper.map.xml"
expect_rc "a batch file read with a mapping" 0
expect_out "a batch file read with a mapping" "2 forms saved for LE-HAN-1 by Kim Nowak (serials ER-501 to ER-502)."
expect_eq "mapped Easy Read stored" "$(q "SELECT count(*) FROM response WHERE serial IN ('ER-501', 'ER-502') AND form_variant = 'easy-read' AND channel = 'easy-read-paper'")" 2
expect_eq "mapped ticks" "$(ans ER-502 SERVICES)" "answered a-and-e - | answered mental-health -"
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Kim Nowak" --from "$F/easy-read-other-event.csv" --map "$S/exports/easy-read-paper.map.xml"
expect_rc "a form from another event" 1
expect_err "a form from another event" "easy-read-other-event.csv:2: form ER-503 is from another event"
# A --form the mapping is not for: said with the mapping's form (the message
# once read the mapping after freeing it).
run "$COLLECTOR" enter "$DB" --event LE-HAN-1 --officer "Kim Nowak" --form standard --from "$F/easy-read-mapped.csv" --map "$S/exports/easy-read-paper.map.xml"
expect_rc "--form against the mapping's" 2
expect_err "--form against the mapping's" "--form standard, but the mapping $S/exports/easy-read-paper.map.xml is for the easy-read form"

# Every session, as the officers saw it, fits an 80-column terminal (error
# messages, one line each, aside) and has no colour or cursor codes.
for t in "$TMP"/*.out; do
	name=$(basename "$t" .out)
	expect_eq "$name: fits 80 columns" "$(tr -d '\r' <"$t" | grep -v '^collector: ' | LC_ALL=C.UTF-8 awk 'length > 80' | wc -l)" 0
	case "$(cat "$t")" in *$'\e'*) fail "$name: escape codes in the session" ;; *) ok "$name: plain text" ;; esac
done


# --- line editing at a terminal (libedit) --------------------------------------
# An answer typed before comes back with the up arrow; an answer changed from
# the review is on the line to edit: the left arrow moves back into it and
# the words typed there go in, instead of the whole answer typed again.
# (After the plain-text check above: editing moves the cursor.)
{
	serial 501
	ask 1 1
	ask 2 1
	say 3 "The car park is small"
	printf 'expect Question 4 of 28\nexpect > \nsend \\e[A\nexpect ... \nsend\n'
	blanks 5 28
	printf 'expect Type y to save it\nexpect > \nsend 3\n'
	printf 'expect Question 3 of 28\nexpect The answer is on the lines below to change\n'
	printf 'expect > \nsend \\e[D\\e[D\\e[D\\e[D\\e[Dvery \nexpect ... \nsend\n'
	save
	printf 'expect Saved form 501\n'
	serial q
	printf 'expect Finished: 1 form saved in this session.\nexit 0\n'
} | drive line-editing enter "$DB" --event LE-CAN-1 --officer "Lee Edit"
expect_eq "line editing: the answer changed in place" "$(ans 501 UEC-WELL)" \
	"answered - The car park is very small"
expect_eq "line editing: the up arrow brought the last answer back" "$(ans 501 UEC-BETTER)" \
	"answered - The car park is small"

finish
