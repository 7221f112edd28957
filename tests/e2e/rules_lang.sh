#!/usr/bin/env bash
# End-to-end: the rule language (docs/rules-format.md) through the
# commands an analyst runs: `rules check` names each mistake with its line,
# `tag` and `counts` use word lists, near, not-preceded-by, conditions on
# other answers and a single-label group with its fallback, and `explain`
# traces a tag to the rule that made it.
# usage: rules_lang.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db
L=$F/rules/language.rules.xml

# ---- rules check: each mistake, with file:line ------------------------------
bad() { # NAME BODY WANT: a rule set with BODY is refused, saying WANT
	printf '<?xml version="1.0"?>\n<rules>\n%s\n</rules>\n' "$2" >"$TMP/bad.rules.xml"
	run "$ANALYSER" rules check "$TMP/bad.rules.xml"
	expect_rc "rules check ($1)" 1
	expect_err "rules check ($1)" "$3"
}
bad "unknown list" '<words name="staff">nurse</words>
<theme code="A" label="a"><include>{staf}</include></theme>' \
	'bad.rules.xml:4: pattern A/1 cannot be read: it uses {staf}, which is not a word list'
bad "cycle" '<words name="a">{b}</words>
<words name="b">{a}</words>
<theme code="A" label="a"><include>{a}</include></theme>' \
	'bad.rules.xml:3: word list '"'"'a'"'"' cannot be used: the word lists form a cycle through {a} (line 3)'
bad "quantifier braces are PCRE2's" '<theme code="A" label="a"><include>a{2,1}</include></theme>' \
	'bad.rules.xml:3: pattern A/1 does not compile at column 6: numbers out of order in {} quantifier'
bad "fallback with patterns" '<theme code="A" label="a" group="g"><include>a</include></theme>
<theme code="B" label="b" group="g" otherwise="true"><include>b</include></theme>' \
	"bad.rules.xml:4: theme 'B' is its group's fallback (otherwise=\"true\"), so it cannot have patterns"
bad "fallback alone" '<theme code="B" label="b" otherwise="true"/>' \
	"bad.rules.xml:3: theme 'B' is otherwise=\"true\" but in no group"
bad "near without a partner" '<theme code="A" label="a"><include within="2">a</include></theme>' \
	'bad.rules.xml:3:'

run "$ANALYSER" rules check "$L"
expect_rc "rules check language.rules.xml" 0
expect_out "rules check language.rules.xml" "11 themes, 15 examples, 15 passed, 0 failed"

# ---- tag, counts, explain -------------------------------------------------------
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$S/exports/google-forms-online.csv" --map "$S/exports/google-forms-online.map.xml" -q >/dev/null
run "$ANALYSER" tag "$DB" "$L"
expect_rc "analyser tag" 0
q() { sqlite3 "$DB" "$1"; }

# A <when> on a question the exercise does not have is refused, naming it.
sed 's/question="UEC-SAT"/question="UEC-SATT"/' "$L" >"$TMP/typo.rules.xml"
run "$ANALYSER" tag "$DB" "$TMP/typo.rules.xml"
expect_rc "analyser tag (a <when> on an unknown question)" 1
expect_err "analyser tag (a <when> on an unknown question)" "typo.rules.xml:43: theme UEC-HAPPY: <when> names question 'UEC-SATT', which this exercise does not have"
# A word list inside a near, and inside a list: "More GPs." is staff shortage.
n=$(q "SELECT count(*) FROM tag_detail WHERE theme = 'STAFF-SHORT' AND rule = 'STAFF-SHORT/1' AND lower(matched) LIKE '%more gps%'")
[ "$n" -gt 0 ] && ok "near with a nested word list tags 'More GPs' ($n)" || fail "near: no 'More GPs' tag"
# not-preceded-by (the samples have no negated praise: check_rules has the cases): no GOOD tag has a negation among the three words before it.
n=$(q "SELECT count(*) FROM tag_detail t JOIN answer a ON a.id = t.answer_id WHERE t.theme = 'GOOD' AND lower(substr(a.value, max(1, t.match_start - 15), 16)) GLOB '*not *'")
expect_eq "GOOD not just after 'not'" "$n" 0
# Pattern questions: WAIT/2 only on the two questions it names.
n=$(q "SELECT count(*) FROM tag_detail WHERE rule = 'WAIT/2' AND question NOT IN ('UEC-BETTER', 'PLAN-BETTER')")
expect_eq "WAIT/2 only on its questions" "$n" 0
n=$(q "SELECT count(*) FROM tag_detail WHERE rule = 'WAIT/2'")
[ "$n" -gt 0 ] && ok "WAIT/2 tags ($n)" || fail "no WAIT/2 tags"
# <when>/<unless> on a multiple choice: 111 users who did not use A&E.
n=$(q "SELECT count(*) FROM tag_detail t WHERE t.theme = 'UEC-111' AND (
	NOT EXISTS (SELECT 1 FROM answer s JOIN question sq ON sq.id = s.question_id JOIN question_option o ON o.id = s.option_id
		WHERE s.response_id = t.response_id AND sq.code = 'SERVICES' AND o.code = 'nhs-111')
	OR EXISTS (SELECT 1 FROM answer s JOIN question sq ON sq.id = s.question_id JOIN question_option o ON o.id = s.option_id
		WHERE s.response_id = t.response_id AND sq.code = 'SERVICES' AND o.code = 'a-and-e'))")
expect_eq "UEC-111 only for 111 users who did not use A&E" "$n" 0
# The group: one label an answer, the fallback for the rest, with its own rule id and span.
n=$(q "SELECT count(*) FROM (SELECT answer_id FROM tag_detail WHERE theme LIKE 'F-%' GROUP BY 1 HAVING count(*) > 1)")
expect_eq "one label of the frame an answer" "$n" 0
n=$(q "SELECT count(*) FROM tag_detail t JOIN answer a ON a.id = t.answer_id WHERE t.theme = 'F-CARE' AND (t.rule != 'F-CARE/otherwise' OR t.match_start != 0 OR t.match_end != length(CAST(a.value AS BLOB)))")
expect_eq "fallback tags name F-CARE/otherwise and span the answer" "$n" 0
# Counts: the frame's themes count respondents like any theme.
run "$ANALYSER" counts "$DB" --no-suppress --format csv
expect_rc "analyser counts" 0
care=$(printf '%s\n' "$out" | awk -F, '$1 == "F-CARE" && $4 == "(all)" {print $6}')
want=$(q "SELECT count(DISTINCT response_id) FROM tag_detail WHERE theme = 'F-CARE'")
[ -n "$care" ] && [ "$care" = "$want" ] && ok "counts: F-CARE mentioned by $care respondents" ||
	fail "counts: F-CARE $care, expected $want" "$(printf '%s\n' "$out" | grep F-CARE | head -3)"
# explain shows the rule id of a fallback tag and of a near tag.
rid=$(q "SELECT response_id FROM tag_detail WHERE rule = 'F-CARE/otherwise' ORDER BY answer_id LIMIT 1")
run "$ANALYSER" explain "$DB" "$rid"
expect_rc "analyser explain (fallback)" 0
expect_out "analyser explain (fallback)" "F-CARE/otherwise"
rid=$(q "SELECT response_id FROM tag_detail WHERE rule = 'STAFF-SHORT/1' ORDER BY answer_id LIMIT 1")
run "$ANALYSER" explain "$DB" "$rid"
expect_out "analyser explain (near)" "STAFF-SHORT/1"
finish
