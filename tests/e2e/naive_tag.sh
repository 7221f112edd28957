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
for mode in "" --prefilter; do
	# shellcheck disable=SC2086
	run "$NAIVE" $mode "$DB" "$R" "$TMP/naive.tsv"
	expect_rc "naive_tag $mode" 0
	sort -o "$TMP/naive.tsv" "$TMP/naive.tsv"
	if cmp -s "$TMP/analyser.tsv" "$TMP/naive.tsv"; then
		ok "naive_tag $mode: the same $(wc -l <"$TMP/naive.tsv") tags as analyser tag"
	else
		fail "naive_tag $mode: tags differ from analyser tag" "$(diff "$TMP/analyser.tsv" "$TMP/naive.tsv" | head -5)"
	fi
done
finish
