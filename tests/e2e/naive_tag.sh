#!/usr/bin/env bash
# End-to-end: bench/naive_tag, the benchmark's baseline, gives the tags
# `analyser tag` gives, also for patterns with capturing groups.
# usage: naive_tag.sh COLLECTOR ANALYSER NAIVE_TAG   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
NAIVE=$3
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES
DB=$TMP/survey.db
X=$S/exports
R=$F/rules/groups.rules.xml

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
run "$ANALYSER" tag "$DB" "$R"
expect_rc "analyser tag" 0
sqlite3 -separator '	' "$DB" "SELECT answer_id, theme, rule, match_start, match_end FROM tag_detail" |
	sort >"$TMP/analyser.tsv"
groups=$(awk -F'\t' '$2 != "KIND"' "$TMP/analyser.tsv" | wc -l)
[ "$groups" -gt 0 ] && ok "tags from patterns with groups ($groups)" || fail "no tags from the patterns with groups"
same_tags() { # RULES: naive_tag, every way, gives analyser tag's tags
	for mode in "" --prefilter "--prefilter --threads 3"; do
		# shellcheck disable=SC2086
		run "$NAIVE" $mode "$DB" "$1" "$TMP/naive.tsv"
		expect_rc "naive_tag $mode" 0
		sort -o "$TMP/naive.tsv" "$TMP/naive.tsv"
		if cmp -s "$TMP/analyser.tsv" "$TMP/naive.tsv"; then
			ok "naive_tag $mode $(basename "$1"): the same $(wc -l <"$TMP/naive.tsv") tags as analyser tag"
		else
			fail "naive_tag $mode $(basename "$1"): tags differ from analyser tag" "$(diff "$TMP/analyser.tsv" "$TMP/naive.tsv" | head -5)"
		fi
	done
}
same_tags "$R"
# On threads, each with its own range of answers, the lines come in the
# order one thread writes them.
run "$NAIVE" --prefilter "$DB" "$R" "$TMP/one.tsv"
run "$NAIVE" --prefilter --threads 3 "$DB" "$R" "$TMP/three.tsv"
if [ -s "$TMP/one.tsv" ] && cmp -s "$TMP/one.tsv" "$TMP/three.tsv"; then
	ok "naive_tag --threads 3: the lines of one thread, in its order"
else
	fail "naive_tag --threads 3: not the lines of one thread" "$(diff "$TMP/one.tsv" "$TMP/three.tsv" | head -5)"
fi
# The floors write no tags and read every answer.
for mode in --read --scan; do
	run "$NAIVE" $mode --threads 2 "$DB" "$R" "$TMP/floor.tsv"
	expect_rc "naive_tag $mode" 0
	[ ! -s "$TMP/floor.tsv" ] && ok "naive_tag $mode writes no tags" || fail "naive_tag $mode wrote tags"
done
run "$NAIVE" --stats --threads 2 "$DB" "$R" "$TMP/floor.tsv"
expect_rc "naive_tag --stats --threads 2 (counting is one thread's)" 2

# The rule language (word lists, near, not-preceded-by, conditions on the
# question and on other answers, a single-label group with a fallback):
# the naive loop does the conditions and the group its own way.
L=$F/rules/language.rules.xml
run "$ANALYSER" tag "$DB" "$L"
expect_rc "analyser tag (language)" 0
sqlite3 -separator '	' "$DB" "SELECT answer_id, theme, rule, match_start, match_end FROM tag_detail" |
	sort >"$TMP/analyser.tsv"
for theme in STAFF-SHORT WAIT GOOD UEC-HAPPY UEC-111 NO-RATING F-ACCESS F-STAFF F-MONEY F-CARE; do
	n=$(awk -F'\t' -v t="$theme" '$2 == t' "$TMP/analyser.tsv" | wc -l)
	[ "$n" -gt 0 ] && ok "$theme tags ($n)" || fail "no $theme tags: the differential test would not cover it"
done
# One label per answer in the group, and every answer of the fallback's questions has one.
two=$(sqlite3 "$DB" "SELECT count(*) FROM (SELECT answer_id FROM tag_detail WHERE theme LIKE 'F-%' GROUP BY 1 HAVING count(*) > 1)")
[ "$two" = 0 ] && ok "the frame gives one label an answer" || fail "$two answers with two labels of the frame"
none=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id WHERE a.value IS NOT NULL AND q.code IN ('UEC-WELL','UEC-BETTER','COMM-WELL','COMM-BETTER','OTHER') AND NOT EXISTS (SELECT 1 FROM tag_detail t WHERE t.answer_id = a.id AND t.theme LIKE 'F-%')")
[ "$none" = 0 ] && ok "the fallback takes the rest" || fail "$none answers of the fallback's questions without a label"
# UEC-HAPPY: answers of satisfied urgent care users only, checked against the data.
want=$(sqlite3 "$DB" "SELECT count(*) FROM answer a JOIN question q ON q.id = a.question_id WHERE q.code IN ('UEC-WELL','UEC-BETTER') AND a.value GLOB '*[A-Za-z0-9]*' AND a.response_id IN (SELECT s.response_id FROM answer s JOIN question sq ON sq.id = s.question_id JOIN question_option o ON o.id = s.option_id WHERE sq.code = 'UEC-SAT' AND o.code IN ('very-satisfied','satisfied'))")
got=$(awk -F'\t' '$2 == "UEC-HAPPY"' "$TMP/analyser.tsv" | wc -l)
[ "$want" = "$got" ] && ok "UEC-HAPPY on the answers of satisfied users ($got)" || fail "UEC-HAPPY: $got tags, $want answers of satisfied users"
same_tags "$L"
finish
