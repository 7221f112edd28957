#!/usr/bin/env bash
# End-to-end: analyser agree, two coders' gold files of the samples compared,
# adjudicated into an agreed gold file that evaluate scores the rules against,
# and stored for the report.
# tests/fixtures/agree/coder-a.csv is the first 63 responses of the samples'
# gold file as they were first coded (kept here so that recoding the sample
# does not move these figures); coder-b.csv is coder-a.csv with
# known differences: response content:b50d... loses URGENT-MIU (its parent
# URGENT stays through other sub-themes), content:336e... gains MATERNITY,
# content:7174... has URGENT-MIU instead of URGENT-111 and another note,
# P-0032 is left out and P-0002 added. So 4 disagreements in 3 responses,
# and 2 responses coded by one coder only.
# usage: agree.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
X=$S/exports
DB=$TMP/survey.db
A=$TALLY_FIXTURES/agree/coder-a.csv
B=$TALLY_FIXTURES/agree/coder-b.csv

"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/surveymonkey-online.csv" --map "$X/surveymonkey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/smartsurvey-online.xlsx" --map "$X/smartsurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/limesurvey-online.lsr" --map "$X/limesurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/kobo-roadshow" --map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null

run "$ANALYSER" agree "$DB" "$A" "$B"
expect_rc "before tagging" 2
expect_err "before tagging" "nothing is tagged yet"
"$ANALYSER" tag "$DB" "$S/rules/twb-2019.rules.xml" >/dev/null || fail "tag the samples"
dump() { sqlite3 "$DB" .dump | sha256sum; }
before=$(dump)

# --- the two coders -----------------------------------------------------------
run "$ANALYSER" agree "$DB" "$A" "$B"
expect_rc "agree" 0
expect_out "agree" "Agreement between two coders: 62 responses coded by both"
expect_err "only one coder, counted" "2 responses coded by only one coder are left out of the comparison"
expect_err "only one coder, named with the line" "only in $A: P-0032 (line 47)"
expect_err "only one coder, named with the line" "only in $B: P-0002 (line 64)"
row() { printf '%s\n' "$out" | grep -E "^ *$1 " | tr -s ' ' | sed 's/^ //'; }
expect_eq "URGENT-MIU: both, A only, B only, neither" "$(row URGENT-MIU)" "URGENT-MIU 15 1 1 45 96.8% 0.916"
expect_eq "URGENT-111" "$(row URGENT-111)" "URGENT-111 16 1 0 45 98.4% 0.959"
expect_eq "MATERNITY" "$(row MATERNITY)" "MATERNITY 8 0 1 53 98.4% 0.932"
expect_eq "URGENT (its sub-themes agree on it)" "$(row URGENT)" "URGENT 51 0 0 11 100.0% 1.000"
expect_out "overall, pooled" "(pooled)"
expect_out "overall, mean" "(mean): the mean of the kappas of 56 themes"
expect_eq "nothing written" "$(dump)" "$before"

run "$ANALYSER" agree "$DB" "$A" "$B" --disagreements
expect_out "disagreements" "Disagreements: 4, in 3 responses"
expect_out "side by side" "response 63 (content:7174703006ad205095a5)"
expect_eq "each decision" "$(printf '%s\n' "$out" | grep -cE '^    (URGENT-MIU|URGENT-111|MATERNITY) +A (yes|no) +B (yes|no)$')" 4
expect_out "notes, when the coders differ" "B's note: B read the 111 praise as about the minor injuries unit"
expect_out "notes, once when the same" "A's and B's note: "
case "$out" in *"UEC-WELL:"*) fail "answers shown without --text" ;; *) ok "no answers without --text" ;; esac
run "$ANALYSER" agree "$DB" "$A" "$B" --disagreements --text --theme URGENT-111
expect_rc "--text" 0
expect_out "--text: the answers" "UEC-WELL: "
expect_out "--text: a warning" "personal data redacted"
expect_out "--theme" "Disagreements: 1, in 1 responses"
run "$ANALYSER" agree "$DB" "$A" "$B" --text
expect_rc "--text alone" 2

# --- the TSV, every kappa worked out again from its counts -------------------
run "$ANALYSER" agree "$DB" "$A" "$B" --format tsv
expect_rc "--format tsv" 0
printf '%s\n' "$out" >"$TMP/agree.tsv"
check=$(python3 - "$TMP/agree.tsv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline=''), delimiter='\t'))
head = rows[0]
assert head == ['theme', 'label', 'level', 'both', 'a_only', 'b_only', 'neither',
                'percent_agreement', 'kappa', 'note'], head
assert all(len(r) == len(head) for r in rows), 'ragged rows'
assert [r[0] for r in rows[-2:]] == ['(pooled)', '(mean)'], 'overall rows are not last'
def kappa(a, b, c, d):
    n = a + b + c + d
    po = (a + d) / n
    pe = ((a + b) * (a + c) + (c + d) * (b + d)) / n / n
    return po, (po - pe) / (1 - pe)
tot = [0, 0, 0, 0]
ks = []
for r in rows[1:-2]:
    a, b, c, d = (int(r[k]) for k in (3, 4, 5, 6))
    tot = [x + y for x, y in zip(tot, (a, b, c, d))]
    po, k = kappa(a, b, c, d)
    assert abs(float(r[7]) - 100 * po) < 0.006, r
    assert abs(float(r[8]) - k) < 0.00006, r
    ks.append(k)
po, k = kappa(*tot)
assert abs(float(rows[-2][8]) - k) < 0.00006, rows[-2]
assert abs(float(rows[-1][8]) - sum(ks) / len(ks)) < 0.00006, rows[-1]
print(len(rows) - 3)
EOF
) && ok "TSV: kappas recomputed for $check themes" || fail "TSV kappas" "$check"

# --- kappa n/a, an unknown theme, the same file twice -------------------------
printf 'external_id,themes\nsurveymonkey:10826840285,GP\nsurveymonkey:10837123298,GP\n' >"$TMP/gp-a.csv"
printf 'external_id,themes\nsurveymonkey:10837123298,GP-ACCESS\nsurveymonkey:10826840285,GP\n' >"$TMP/gp-b.csv"
run "$ANALYSER" agree "$DB" "$TMP/gp-a.csv" "$TMP/gp-b.csv" --theme GP
expect_rc "no variation" 0
expect_eq "no variation: n/a" "$(row GP)" "GP 2 0 0 0 100.0% n/a"
expect_out "no variation: why" "GP: kappa n/a: both coders gave it to every response: no variation."
run "$ANALYSER" agree "$DB" "$TMP/gp-a.csv" "$TMP/gp-b.csv" --format tsv --theme GP-ACCESS
expect_eq "one coder constant: kappa 0, not n/a" "$(printf '%s\n' "$out" | cut -f1,4-9 | tail -1)" \
	"$(printf 'GP-ACCESS\t0\t0\t1\t1\t50.00\t0.0000')"
sed 's/^\(surveymonkey:10837123298\),GP-ACCESS/\1,GP-ACCES/' "$TMP/gp-b.csv" >"$TMP/gp-bad.csv"
run "$ANALYSER" agree "$DB" "$TMP/gp-a.csv" "$TMP/gp-bad.csv"
expect_rc "unknown theme" 1
expect_err "unknown theme, with file:line" "$TMP/gp-bad.csv:2: unknown theme 'GP-ACCES': did you mean 'GP-ACCESS'?"
run "$ANALYSER" agree "$DB" "$A" "$A"
expect_rc "a file with itself" 0
expect_out "a file with itself" "100.0%  1.000"
expect_eq "a file with itself: no warning" "$err" ""
run "$ANALYSER" agree "$DB" "$A" "$B" --theme NOPE
expect_rc "--theme unknown" 2

# --- adjudication -------------------------------------------------------------
run "$ANALYSER" agree "$DB" "$A" "$B" --adjudicate "$DB"
expect_rc "the sheet never over the database" 2
run "$ANALYSER" agree "$DB" "$A" "$B" --adjudicate "$TMP/adj.csv"
expect_rc "--adjudicate" 0
expect_eq "the sheet: a row per disagreement" "$(($(wc -l <"$TMP/adj.csv") - 1))" 4
expect_eq "the sheet: header" "$(head -1 "$TMP/adj.csv")" \
	"response,external_id,serial,theme,label,coder_a,coder_b,note_a,note_b,decision,reason"
run "$ANALYSER" agree "$DB" "$A" "$B" --agreed "$TMP/adj.csv" --out "$TMP/agreed.csv"
expect_rc "a blank decision" 1
expect_err "a blank decision, named" "$TMP/adj.csv:2: response 3, URGENT-MIU: no decision"
[ -e "$TMP/agreed.csv" ] && fail "an agreed file was written from a blank sheet" || ok "nothing written"
sed '2s/,,$/,maybe,/' "$TMP/adj.csv" >"$TMP/adj-bad.csv"
run "$ANALYSER" agree "$DB" "$A" "$B" --agreed "$TMP/adj-bad.csv" --out "$TMP/agreed.csv"
expect_rc "an invalid decision" 1
expect_err "an invalid decision, named" "$TMP/adj-bad.csv:2: response 3, URGENT-MIU: the decision is not yes, no, a or b"
# Every disagreement decided as coder A had it: the agreed file is A's coding
# of the responses both coded, so evaluate scores the rules the same on both.
sed '2,$s/,,$/,a,/' "$TMP/adj.csv" >"$TMP/adj-a.csv"
run "$ANALYSER" agree "$DB" "$A" "$B" --agreed "$TMP/adj-a.csv" --out "$TMP/agreed.csv"
expect_rc "--agreed" 0
expect_out "--agreed" "The agreed gold file is in $TMP/agreed.csv (62 responses)"
grep -v '^,P-0032,' "$A" >"$TMP/a-both.csv"
run "$ANALYSER" evaluate "$DB" "$TMP/agreed.csv" --format csv
expect_rc "evaluate reads the agreed gold" 0
agreed_scores=$out
run "$ANALYSER" evaluate "$DB" "$TMP/a-both.csv" --format csv
expect_eq "evaluate: agreed as A decided = A on the same responses" "$agreed_scores" "$out"
# Decided the other way: B's codes where they differ.
sed '2,$s/,,$/,b,/' "$TMP/adj.csv" >"$TMP/adj-b.csv"
run "$ANALYSER" agree "$DB" "$A" "$B" --agreed "$TMP/adj-b.csv" --out "$TMP/agreed-b.csv"
expect_rc "--agreed as B" 0
run "$ANALYSER" agree "$DB" "$B" "$TMP/agreed-b.csv"
expect_eq "agreed as B decided = B on the same responses" \
	"$(printf '%s\n' "$out" | grep '^(pooled) ' | tr -s ' ')" "(pooled) 100.0% 1.000"
expect_eq "nothing stored without --store" "$(dump)" "$before"

# --- stored, and said in the report -----------------------------------------
"$ANALYSER" report "$DB" --you-said-we-did "$TMP/before.html" >/dev/null 2>&1
grep -q "How coders agreed" "$TMP/before.html" && fail "the report speaks of coders before any is stored" \
	|| ok "no agreement in the report before --store"
run "$ANALYSER" agree "$DB" "$A" "$B" --store
expect_rc "--store" 0
expect_eq "stored" "$(sqlite3 "$DB" "SELECT responses, only_one, themes, mean_themes FROM coder_agreement")" "62|2|56|56"
expect_eq "stored per theme" "$(sqlite3 "$DB" "SELECT both_coders, a_only, b_only, neither FROM coder_agreement_theme WHERE theme = 'URGENT-MIU'")" "15|1|1|45"
run "$ANALYSER" report "$DB" --you-said-we-did "$TMP/after.html"
expect_rc "report" 0
grep -q "How coders agreed.</strong> Two people in our team each sorted the same 62 responses" "$TMP/after.html" \
	&& ok "the report says how the coders agreed" || fail "no agreement line in the report"
run "$ANALYSER" agree "$DB" "$A" "$B" --store --theme GP
expect_rc "--store with --theme" 2

finish
