#!/usr/bin/env bash
# End-to-end: the rule writer's tools on the samples and their gold file:
# rules score, rules try, evaluate --theme and --split, suggest.
# usage: rule_tools.sh COLLECTOR ANALYSER   (TALLY_SAMPLES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
GOLD=$S/gold/twb-2019-gold.csv
RULES=$S/rules/twb-2019.rules.xml

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/surveymonkey-online.csv" --map "$X/surveymonkey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/smartsurvey-online.xlsx" --map "$X/smartsurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/limesurvey-online.lsr" --map "$X/limesurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/kobo-roadshow" --map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null
"$ANALYSER" tag "$DB" "$RULES" >/dev/null || fail "tag the samples"
ncoded=$(($(grep -c . "$GOLD") - 1))

# --- rules score --------------------------------------------------------------
run "$ANALYSER" rules score "$DB" "$RULES" "$GOLD"
expect_rc "score" 0
expect_out "score" "$ncoded coded responses, rules $RULES"
expect_out "score" "Gain Fires   TP   FP  Prec OnlyT OnlyF  Theme"
run "$ANALYSER" rules score "$DB" "$RULES" "$GOLD" --format tsv --all
expect_rc "score tsv" 0
expect_eq "tsv header" "$(printf '%s\n' "$out" | head -1)" \
	"$(printf 'theme\tkind\tpattern\tfires\ttp\tfp\tprecision\tonly_tp\tonly_fp\tgain\tsource')"
tsv=$out
# Every row: fires = TP + FP, gain = only FP - only TP, and worst (largest gain) first.
expect_eq "rows add up" "$(printf '%s\n' "$tsv" | awk -F'\t' 'NR > 1 && ($4 != $5 + $6 || $10 != $9 - $8 || $8 > $5 || $9 > $6) { bad++ } END { print bad + 0 }')" 0
expect_eq "worst first" "$(printf '%s\n' "$tsv" | awk -F'\t' 'NR > 2 && $10 > prev { bad++ } NR > 1 { prev = $10 } END { print bad + 0 }')" 0
# GP/1 is split into its alternatives, each on a row of its own ("alt K/N").
nalt=$(printf '%s\n' "$tsv" | awk -F'\t' '$3 == "GP/1" && $2 ~ /^alt 1\// { sub(/^alt 1\//, "", $2); print $2 }')
[ -n "$nalt" ] && [ "$nalt" -gt 1 ] && ok "GP/1 has $nalt alternatives" || fail "GP/1 not split" "$tsv"
expect_eq "alternatives of GP/1" "$(printf '%s\n' "$tsv" | awk -F'\t' '$3 == "GP/1" && $2 ~ /^alt/' | wc -l)" "$nalt"
gp_alt=$(printf '%s\n' "$tsv" | awk -F'\t' '$3 == "GP/1" && $2 ~ /^alt 1\//')
gp_src=$(printf '%s\n' "$gp_alt" | cut -f11)
gp_tp=$(printf '%s\n' "$gp_alt" | cut -f5)
gp_fp=$(printf '%s\n' "$gp_alt" | cut -f6)
# An exclude is right where the coder did not give the theme.
printf '%s\n' "$tsv" | awk -F'\t' '$2 == "exclude"' | grep -q . && ok "excludes are scored" ||
	fail "no exclude row" "$tsv"
run "$ANALYSER" rules score "$DB" "$RULES" "$GOLD" --theme GP --format tsv --all
expect_eq "--theme GP: GP and its sub-themes only" \
	"$(printf '%s\n' "$out" | awk -F'\t' 'NR > 1 && $1 !~ /^GP(-|$)/' | wc -l)" 0
run "$ANALYSER" rules score "$DB" "$RULES" "$GOLD" --theme NOPE
expect_rc "unknown theme" 2
expect_err "unknown theme" "there is no theme 'NOPE' in $RULES"

# --- rules score, worked out by hand ------------------------------------------
# tests/fixtures/evaluate/tiny.csv, coded T1 PARK BUS, T2 KIND, T3 KIND,
# T4 BUS; score.rules.xml: PARK park|again (exclude terrible), BUS bus,
# KIND kind|nurses|nothing.
#   T1 "The parking is terrible" / "The bus never comes"
#   T2 "Lovely kind nurses"
#   T3 "Nothing to say" / "Parking again"
#   T4 "Kind staff and a bus stop outside"
# PARK: T1's "parking" is cancelled by "terrible" (the exclude fires there,
#   wrongly: the coder gave PARK), so the include fires in T3 only, wrongly
#   and alone (gain 1); its alternatives both fire in T3, so neither is alone.
# BUS: T1 and T4, both right and alone (gain -2).
# KIND: T2 (kind, nurses), T3 (nothing), T4 (kind): right, right, wrong;
#   "kind" is alone in T4 (wrong), "nothing" alone in T3 (right).
# Worst first: gain, then FP - TP, then precision, then file order.
T=$TMP/tiny.db
"$COLLECTOR" init "$T" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$T" "$TALLY_FIXTURES/evaluate/tiny.csv" --map "$TALLY_FIXTURES/evaluate/tiny.map.xml" -q >/dev/null
run "$ANALYSER" rules score "$T" "$TALLY_FIXTURES/rule_tools/score.rules.xml" "$TALLY_FIXTURES/evaluate/tiny-gold.csv" --format tsv --all
expect_rc "score by hand" 0
want=$(printf '%s\n' \
	'PARK	include	PARK/1	1	0	1	0.0000	0	1	1	park|again' \
	'PARK	exclude	terrible	1	0	1	0.0000	0	1	1	terrible' \
	'KIND	alt 1/3	KIND/1	2	1	1	0.5000	0	1	1	kind' \
	'PARK	alt 1/2	PARK/1	1	0	1	0.0000	0	0	0	park' \
	'PARK	alt 2/2	PARK/1	1	0	1	0.0000	0	0	0	again' \
	'KIND	alt 2/3	KIND/1	1	1	0	1.0000	0	0	0	nurses' \
	'KIND	include	KIND/1	3	2	1	0.6667	2	1	-1	kind|nurses|nothing' \
	'KIND	alt 3/3	KIND/1	1	1	0	1.0000	1	0	-1	nothing' \
	'BUS	include	BUS/1	2	2	0	1.0000	2	0	-2	bus')
got=$(printf '%s\n' "$out" | tail -n +2)
[ "$got" = "$want" ] && ok "score by hand: every row" || fail "score by hand" "got:" "$got" "want:" "$want"

# A pattern limited to some questions is scored on those answers only, as
# `analyser tag` applies it: KIND/2 ("nothing", UEC-BETTER only) does not
# fire on T3's "Nothing to say", a UEC-WELL answer.
run "$ANALYSER" rules score "$T" "$TALLY_FIXTURES/rule_tools/score-questions.rules.xml" "$TALLY_FIXTURES/evaluate/tiny-gold.csv" --format tsv --all
expect_rc "score with questions=" 0
expect_eq "a pattern limited to UEC-BETTER, scored on UEC-BETTER answers only" \
	"$(printf '%s\n' "$out" | awk -F'\t' '$3 == "KIND/2" { print $2, $4, $5, $6 }')" "include 0 0 0"
expect_eq "the unlimited pattern still fires" \
	"$(printf '%s\n' "$out" | awk -F'\t' '$3 == "KIND/1" && $2 == "include" { print $4, $5, $6 }')" "2 1 1"

# --- rules try: the same alternative, the same counts -------------------------
run "$ANALYSER" rules try "$DB" "$gp_src" --gold "$GOLD" --theme GP --show 2
expect_rc "try" 0
[ "$gp_tp" -gt 0 ] && expect_out "try" "First matches (personal data redacted):"
[ "$gp_tp" -gt 0 ] && expect_out "try" "[["
expect_out "try" "theme GP, $ncoded coded responses: TP $gp_tp, FP $gp_fp,"
case "$out" in *" of "*" answers match, in "*" responses"*) ok "try counts answers" ;;
	*) fail "try gives no count" "$out" ;; esac
run "$ANALYSER" rules try "$DB" '\bwait' --show 2
expect_eq "two shown" "$(printf '%s\n' "$out" | grep -c '^  response ')" 2
run "$ANALYSER" rules try "$DB" '@' --show 50
case "$out" in *"[[[email]]]"*) ok "try redacts e-mail addresses, marked as matched" ;;
	*) fail "no redacted address" "$out" ;; esac
if printf '%s\n' "$out" | grep -q -E '[A-Za-z0-9._-]+@[A-Za-z0-9-]+\.'; then fail "try shows an address" "$out"
else ok "no address shown"; fi
run "$ANALYSER" rules try "$DB" '\bGP(' 
expect_rc "broken pattern" 2
expect_err "broken pattern" "the pattern does not compile at column"
run "$ANALYSER" rules try "$DB" 'x' --gold "$GOLD"
expect_rc "--gold without --theme" 2

# --- evaluate --theme ---------------------------------------------------------
csv=$("$ANALYSER" evaluate "$DB" "$GOLD" --format csv)
gp_row=$(printf '%s\n' "$csv" | grep '^GP,')
# The themes with the most false positives and the most false negatives.
fp_theme=$(printf '%s\n' "$csv" | awk -F, 'NR > 1 && $1 !~ /^\(/ && $(NF-6) > m { m = $(NF-6); t = $1 } END { print t }')
fn_theme=$(printf '%s\n' "$csv" | awk -F, 'NR > 1 && $1 !~ /^\(/ && $(NF-5) > m { m = $(NF-5); t = $1 } END { print t }')
fp=$(printf '%s\n' "$csv" | awk -F, -v t="$fp_theme" '$1 == t { print $(NF-6) }')
run "$ANALYSER" evaluate "$DB" "$GOLD" --theme "$fp_theme" --errors fp
expect_rc "--theme $fp_theme" 0
expect_out "--theme $fp_theme" "False positives (the rules found it, the coder did not): $fp"
case "$out" in *"False negatives"*) fail "--errors fp lists false negatives" ;; *) ok "--errors fp: only false positives" ;; esac
expect_eq "every false positive" "$(printf '%s\n' "$out" | grep -c '^  response ')" "$fp"
case "$out" in *" ["*"]: "*"[["*"]]"*) ok "the rule and the matched words" ;; *) fail "no rule or marks" "$out" ;; esac
run "$ANALYSER" evaluate "$DB" "$GOLD" --theme "$fn_theme" --errors fn --limit 1
expect_rc "--errors fn --limit 1" 0
expect_out "--limit 1" "False negatives (the coder found it, the rules did not): "
expect_eq "--limit 1" "$(printf '%s\n' "$out" | grep -c '^  response ')" 1
run "$ANALYSER" evaluate "$DB" "$GOLD" --theme STAFF-PRAISE --level 1
expect_rc "--theme below --level" 2
expect_err "--theme below --level" "--theme STAFF-PRAISE is a level 2 theme, below --level 1"
run "$ANALYSER" evaluate "$DB" "$GOLD" --theme NOPE
expect_rc "--theme unknown" 2
expect_err "--theme unknown" "there is no theme 'NOPE' in the current rule set"
run "$ANALYSER" evaluate "$DB" "$GOLD" --errors fp
expect_rc "--errors without --theme" 2
run "$ANALYSER" evaluate "$DB" "$GOLD" --theme GP --format csv
expect_rc "--theme with csv" 2

# --- evaluate --split -----------------------------------------------------------
n1=$("$ANALYSER" evaluate "$DB" "$GOLD" --split 1/2 | sed -n 's/^\([0-9]*\) hand-coded.*/\1/p')
n2=$("$ANALYSER" evaluate "$DB" "$GOLD" --split 2/2 | sed -n 's/^\([0-9]*\) hand-coded.*/\1/p')
expect_eq "the two parts make the whole" "$((n1 + n2))" "$ncoded"
[ "$n1" -gt 10 ] && [ "$n2" -gt 10 ] && ok "both parts have responses ($n1, $n2)" || fail "uneven split $n1/$n2"
again=$("$ANALYSER" evaluate "$DB" "$GOLD" --split 1/2 --format csv)
expect_eq "the same part every time" "$("$ANALYSER" evaluate "$DB" "$GOLD" --split 1/2 --format csv)" "$again"
run "$ANALYSER" evaluate "$DB" "$GOLD" --split 3/2
expect_rc "--split 3/2" 2

# --- suggest ------------------------------------------------------------------
run "$ANALYSER" suggest "$DB" "$GOLD" --theme GP --format tsv --min 2
expect_rc "suggest" 0
expect_eq "suggest header" "$(printf '%s\n' "$out" | head -1)" \
	"$(printf 'z\tgroup\ttheme\trest\tprecision\trecall\tphrase\tpattern')"
gold_gp=$(printf '%s\n' "$gp_row" | cut -d, -f4)
expect_eq "precision and recall from the counts" "$(printf '%s\n' "$out" | awk -F'\t' -v g="$gold_gp" 'NR > 1 && (sprintf("%.4f", $3 / ($3 + $4)) != $5 || sprintf("%.4f", $3 / g) != $6 || $3 < 2) { bad++ } END { print bad + 0 }')" 0
expect_eq "highest z first" "$(printf '%s\n' "$out" | awk -F'\t' 'NR > 2 && $1 > prev { bad++ } NR > 1 { prev = $1 } END { print bad + 0 }')" 0
printf '%s\n' "$out" | awk -F'\t' 'NR > 1 && $8 !~ /^\\b.*\\b$/ { bad = 1 } END { exit bad }' &&
	ok "each with a pattern" || fail "a suggestion without a \\b pattern" "$out"
run "$ANALYSER" suggest "$DB" "$GOLD" --theme GP-ACCESS --from-errors --min 1
expect_rc "suggest --from-errors" 0
expect_out "suggest --from-errors" "against its false negatives (FN), phrases in at least 1 responses"
run "$ANALYSER" suggest "$DB" "$GOLD"
expect_rc "suggest without --theme" 2

finish
