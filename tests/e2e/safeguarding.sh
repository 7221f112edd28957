#!/usr/bin/env bash
# End-to-end: safeguarding themes (docs/safeguarding.md). The starter set is
# copied into the exercise's rules as the docs say; what it flags is listed
# for review and not counted, the review is recorded once, counts and report
# warn while any is open, a flagged person is never quoted, and erasing the
# response removes the flag and its review.
# usage: safeguarding.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
RULES=$TMP/both.rules.xml

# The exercise's rules with the starter set's word lists after the title and
# its themes at the end.
python3 - "$S/rules/twb-2019.rules.xml" "$S/rules/safeguarding.rules.xml" "$RULES" <<'PY'
import re, sys
main = open(sys.argv[1], encoding='utf-8').read()
sg = open(sys.argv[2], encoding='utf-8').read()
body = sg[sg.index('</title>') + len('</title>'):sg.index('</rules>')]
words = ''.join(re.findall(r'\s*<words .*?</words>', body, re.S))
themes = re.sub(r'\s*<words .*?</words>', '', body, flags=re.S)
at = main.index('</title>') + len('</title>')
main = main[:at] + words + main[at:]
end = main.index('</rules>')
open(sys.argv[3], 'w', encoding='utf-8').write(main[:end] + themes + '\n' + main[end:])
PY
run "$ANALYSER" rules check "$RULES"
expect_rc "the exercise's rules with the starter set" 0
expect_out "every example holds" " 0 failed"
run "$ANALYSER" rules check "$S/rules/safeguarding.rules.xml"
expect_rc "the starter set alone" 0

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
# Three more responses: a disclosure, a false friend, a disclosure.
python3 - "$X/google-forms-online.csv" "$TMP/planted.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8-sig')))
head = rows[0]
col = next(i for i, h in enumerate(head) if 'better' in h.lower())
texts = ['My husband hits me and I dread going home. Parking at the hospital costs far too much.',
         'I was abused by the parking machine, it swallowed my card. Parking costs far too much.',
         'Some nights I do not want to wake up and the crisis line never answers.']
out = [head]
for n, t in enumerate(texts):
    row = list(rows[n + 1])
    row[0] = '2019/07/0%d 10:00:00 AM GMT+1' % (n + 2)
    row[col] = t
    out.append(row)
csv.writer(open(sys.argv[2], 'w', newline='')).writerows(out)
PY
"$COLLECTOR" import "$DB" "$TMP/planted.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
a_abuse=$(sqlite3 "$DB" "SELECT id FROM answer WHERE value LIKE 'My husband hits me%'")
a_machine=$(sqlite3 "$DB" "SELECT id FROM answer WHERE value LIKE 'I was abused by the parking%'")
a_self=$(sqlite3 "$DB" "SELECT id FROM answer WHERE value LIKE 'Some nights I do not want%'")
[ -n "$a_abuse" ] && [ -n "$a_machine" ] && [ -n "$a_self" ] && ok "three answers planted" ||
	fail "answers not planted"
run "$ANALYSER" tag "$DB" "$RULES"
expect_rc "tag with the safeguarding themes" 0

# Flags: listed for review, not the false friend, never the words unless asked.
# The samples' own mental health answers are flagged too ("when you're suicidal").
n=$(sqlite3 "$DB" "SELECT count(DISTINCT answer_id) FROM safeguarding_flags")
[ "$n" -gt 2 ] && ok "the samples' answers are flagged too ($n in all)" || fail "only $n flags"
run "$ANALYSER" safeguarding list "$DB"
expect_rc "safeguarding list" 0
expect_out "the disclosure is listed" "answer $a_abuse  response"
expect_out "with its theme and rule" "theme SG-ABUSE (Possible abuse, including domestic abuse), rule SG-ABUSE/"
expect_out "the self-harm disclosure is listed" "answer $a_self  response"
expect_out "not yet reviewed" "$n answers flagged, $n not yet reviewed"
case "$out" in *"answer $a_machine "*) fail "the parking machine is flagged" "$out" ;; *) ok "the parking machine is not flagged" ;; esac
case "$out" in *husband*|*"wake up"*) fail "list shows what was written without --text" "$out" ;; *) ok "list shows no words without --text" ;; esac
run "$ANALYSER" safeguarding list "$DB" --text
expect_out "--text shows the words, the match marked" "\"[[My husband hits me]] and I dread going home."
case "$err" in *husband*) fail "the words reach stderr" "$err" ;; *) ok "no words on stderr" ;; esac

# Not counted, and said to be waiting.
run "$ANALYSER" counts "$DB" --format csv
expect_rc "counts" 0
case "$out" in *SAFEGUARDING*|*SG-*) fail "a safeguarding theme is counted" "$out" ;; *) ok "no safeguarding theme in the counts" ;; esac
expect_out "the answers' other themes still count" "ACCESS-PARKING"
expect_err "counts warns of the flags" "$n answers flagged by a safeguarding theme are not yet reviewed"
case "$err" in *husband*) fail "the warning shows words" "$err" ;; *) ok "the warning shows no words" ;; esac
expect_eq "the SQL layer's count_inputs leaves them out too" \
	"$(sqlite3 "$DB" "SELECT count(*) FROM count_inputs WHERE theme LIKE 'SG-%' OR theme = 'SAFEGUARDING'")" 0

# The review, recorded once, by a named person.
run "$ANALYSER" safeguarding seen "$DB" "$a_abuse" --action "referred to the safeguarding lead"
expect_rc "seen without --as" 2
run "$ANALYSER" safeguarding seen "$DB" "$a_machine" --as "Sam Patel" --action "none"
expect_rc "seen of an answer with no flag" 1
expect_err "says so" "answer $a_machine carries no safeguarding flag"
run "$ANALYSER" safeguarding seen "$DB" "$a_abuse" --as "Sam Patel" --action "referred to the safeguarding lead"
expect_rc "seen" 0
expect_out "recorded" "answer $a_abuse: review by Sam Patel recorded"
run "$ANALYSER" safeguarding seen "$DB" "$a_abuse" --as "Jo Bloggs" --action "again"
expect_rc "a second review of the same answer" 1
expect_err "says when the first was" "answer $a_abuse was already reviewed, at 20"
run "$ANALYSER" safeguarding list "$DB"
expect_out "one left" "$n answers flagged, $((n - 1)) not yet reviewed"
case "$out" in *"answer $a_abuse "*) fail "a reviewed answer is still listed" "$out" ;; *) ok "the reviewed answer leaves the list" ;; esac
run "$ANALYSER" safeguarding list "$DB" --all
expect_out "--all shows who saw it and what was done" "seen by Sam Patel at 20"
expect_out "--all shows the action" ": referred to the safeguarding lead"
# A new tag run keeps the review.
"$ANALYSER" tag "$DB" "$RULES" >/dev/null
expect_eq "the review survives a tag run" \
	"$(sqlite3 "$DB" "SELECT seen_by FROM safeguarding_flags WHERE answer_id = $a_abuse")" "Sam Patel"
run "$ANALYSER" counts "$DB"
expect_err "counts says one fewer is waiting" "$((n - 1)) answers flagged by a safeguarding theme are not yet reviewed"

# Erasure takes the flag and its review with the response.
rid=$(sqlite3 "$DB" "SELECT response_id FROM answer WHERE id = $a_abuse")
run "$COLLECTOR" erase "$DB" --response "$rid" --by "Data Protection Officer" --reason "request" --yes
expect_rc "erase the flagged response" 0
expect_eq "its review is gone" "$(sqlite3 "$DB" "SELECT count(*) FROM safeguarding_review WHERE answer_id = $a_abuse")" 0
expect_eq "its flag is gone" "$(sqlite3 "$DB" "SELECT count(*) FROM safeguarding_flags WHERE answer_id = $a_abuse")" 0
run "$ANALYSER" safeguarding list "$DB" --all
expect_out "the list has the others only" "$((n - 1)) answers flagged, $((n - 1)) not yet reviewed"

# Quotes: every free-text answer of a second database carries a disclosure.
# Tagged without the safeguarding themes, the report quotes it; with them,
# never, from any answer of a flagged response.
DB2=$TMP/quotes.db
"$COLLECTOR" init "$DB2" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB2" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
sqlite3 "$DB2" "UPDATE answer SET value = 'He hits me. ' || value WHERE question_id IN (SELECT id FROM question WHERE type = 'free-text') AND value IS NOT NULL"
"$ANALYSER" tag "$DB2" "$S/rules/twb-2019.rules.xml" >/dev/null
run "$ANALYSER" report "$DB2" --you-said-we-did "$TMP/before.html" --no-suppress
expect_rc "report without safeguarding themes" 0
grep -q "He hits me" "$TMP/before.html" && ok "the check can see a quote (control)" ||
	fail "no quote carries the planted words: the check below proves nothing"
# Quotes comms staff approved before the flags appeared: each answer, under its top theme.
sqlite3 "$DB2" "INSERT INTO report_quote (exercise_id, theme_code, answer_id, response_id, decision, text, decided_by, decided_at) SELECT DISTINCT a2.exercise_id, p.code, a.id, a.response_id, 'approved', a.value, 'Cam Comms', '2019-11-01T00:00:00Z' FROM tag t JOIN theme h ON h.id = t.theme_id JOIN theme p ON p.id = coalesce(h.parent_id, h.id) JOIN answer a ON a.id = t.answer_id JOIN response a2 ON a2.id = a.response_id"
run "$ANALYSER" report "$DB2" --you-said-we-did "$TMP/approved-before.html" --no-suppress
expect_rc "report with approved quotes" 0
grep -q "He hits me" "$TMP/approved-before.html" && ok "an approved quote carries the words (control)" ||
	fail "no approved quote carries the planted words: the check below proves nothing"
"$ANALYSER" tag "$DB2" "$RULES" >/dev/null
run "$ANALYSER" report "$DB2" --you-said-we-did "$TMP/approved-after.html" --no-suppress
expect_rc "report with approved quotes and safeguarding themes" 0
grep -q "hits me" "$TMP/approved-after.html" && fail "a flagged answer's approved quote is published" ||
	ok "no flagged answer's approved quote is published"
sqlite3 "$DB2" "DELETE FROM report_quote"
run "$ANALYSER" report "$DB2" --you-said-we-did "$TMP/after.html" --no-suppress
expect_rc "report with safeguarding themes" 0
grep -q "hits me" "$TMP/after.html" && fail "a flagged answer is quoted" || ok "no flagged answer is quoted"
expect_err "report warns of the flags" "not yet reviewed"
finish
