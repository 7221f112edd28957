#!/usr/bin/env bash
# End-to-end: analyser evaluate, the rules' tags against hand-coded samples.
# usage: evaluate.sh COLLECTOR ANALYSER   (TALLY_SAMPLES, TALLY_FIXTURES set by meson)
set -u
COLLECTOR=$1
ANALYSER=$2
. "$(dirname "$0")/lib.sh"
S=$TALLY_SAMPLES
F=$TALLY_FIXTURES/evaluate
X=$S/exports
DB=$TMP/survey.db
GOLD=$S/gold/twb-2019-gold.csv
RULES=$S/rules/twb-2019.rules.xml

# --- the samples, as `make demo` loads them --------------------------------
"$COLLECTOR" init "$DB" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" postcodes load "$DB" "$S/postcodes/outward-shares.csv" "$S/postcodes/staffs-postcodes.csv" >/dev/null
"$COLLECTOR" import "$DB" "$X/google-forms-online.csv" --map "$X/google-forms-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/surveymonkey-online.csv" --map "$X/surveymonkey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/smartsurvey-online.xlsx" --map "$X/smartsurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/limesurvey-online.lsr" --map "$X/limesurvey-online.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/kobo-roadshow" --map "$X/kobo-roadshow.map.xml" --xform "$X/kobo-roadshow/form.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/paper-forms.csv" --map "$X/paper-forms.map.xml" -q >/dev/null
"$COLLECTOR" import "$DB" "$X/easy-read-paper.csv" --map "$X/easy-read-paper.map.xml" -q >/dev/null
expect_eq "samples imported" "$(sqlite3 "$DB" "SELECT count(*) FROM response")" 655

run "$ANALYSER" evaluate "$DB" "$GOLD"
expect_rc "before tagging" 2
expect_err "before tagging" "nothing is tagged yet: run 'analyser tag DB RULES' first"
"$ANALYSER" tag "$DB" "$RULES" >/dev/null || fail "tag the samples"

# --- the sample gold file ---------------------------------------------------
ncoded=$(($(grep -c . "$GOLD") - 1))
[ "$ncoded" -ge 60 ] && ok "the sample codes $ncoded responses" || fail "only $ncoded coded responses"
run "$ANALYSER" evaluate "$DB" "$GOLD"
expect_rc "evaluate" 0
expect_eq "no warnings" "$err" ""
expect_out "evaluate" "$ncoded hand-coded responses in $GOLD"
expect_out "evaluate" "Theme                    Gold Rules   TP   FP   FN   Prec Recall     F1  Kappa"
for row in "URGENT " "  URGENT-AE-WAIT " "GP " "  STAFF-PRAISE " "(micro) " "(macro) "; do
	case "$out" in *$'\n'"$row"*) ok "row '$row'" ;; *) fail "no row '$row'" "$out" ;; esac
done
expect_out "evaluate" "Disagreements: "
expect_out "evaluate" "(the first 20; --disagreements 0 shows all)"
case "$out" in *"rules only: "*" in "*'"'*) ok "rules-only disagreements name the rule and the words" ;;
	*) fail "no rules-only disagreement with its words" ;; esac
case "$out" in *"coder only"*) ok "coder-only disagreements" ;; *) fail "no coder-only disagreement" ;; esac
expect_eq "the table fits 80 columns" \
	"$(printf '%s\n' "$out" | sed -n '/^Theme/,/^(macro)/p' | awk 'length($0) > 80' | wc -l)" 0
shown=$(printf '%s\n' "$out" | grep -c -E '^    [A-Z].*  (rules|coder) only')
expect_eq "20 disagreements by default" "$shown" 20
run "$ANALYSER" evaluate "$DB" "$GOLD" --disagreements 0
total=$(printf '%s\n' "$out" | sed -n 's/^Disagreements: \([0-9]*\)$/\1/p')
expect_eq "--disagreements 0 shows all" \
	"$(printf '%s\n' "$out" | grep -c -E '^    [A-Z].*  (rules|coder) only')" "$total"
run "$ANALYSER" evaluate "$DB" "$GOLD" --level 1
case "$out" in *$'\n'"  URGENT-AE-WAIT"*) fail "--level 1 shows sub-themes" ;; *) ok "--level 1 hides sub-themes" ;; esac
expect_out "--level 1" "themes down to level 1"

# --- the CSV, and one theme's counts worked out again in SQL ---------------
run "$ANALYSER" evaluate "$DB" "$GOLD" --format csv
expect_rc "--format csv" 0
printf '%s\n' "$out" >"$TMP/report.csv"
check=$(python3 - "$TMP/report.csv" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='')))
head = rows[0]
assert head == ['theme', 'label', 'level', 'gold', 'rules', 'tp', 'fp', 'fn', 'tn',
                'precision', 'recall', 'f1', 'kappa'], head
assert all(len(r) == len(head) for r in rows), 'ragged rows'
assert [r[0] for r in rows[-2:]] == ['(micro)', '(macro)'], 'averages are not last'
for r in rows[1:-2]:
    tp, fp, fn, tn = (int(r[k]) for k in (5, 6, 7, 8))
    assert int(r[3]) == tp + fn and int(r[4]) == tp + fp, r
    for v in r[9:13]:
        assert v == '-' or 0 <= abs(float(v)) <= 1, r
print(len(rows) - 3)
EOF
) && ok "CSV parses: $check themes" || fail "CSV does not parse" "$check"
csv_counts() { awk -F, -v t="$1" '$1 == t { print $6 "/" $7 "/" $8 }' "$TMP/report.csv"; }
# TP/FP/FN of THEME by SQL: the coder's codes (or a sub-theme's) against the
# tags on the theme (or a sub-theme), response by response.
sql_counts() {
	sqlite3 -cmd ".mode csv" -cmd ".import $GOLD gold" -cmd "ATTACH '$DB' AS s" :memory: "
	WITH th AS (SELECT h.id, h.code FROM s.theme h WHERE h.code = '$1'
	            OR h.parent_id = (SELECT id FROM s.theme WHERE code = '$1')),
	g AS (SELECT r.id AS rid, ' ' || replace(replace(gold.themes, ';', ' '), ',', ' ') || ' ' AS codes
	      FROM gold JOIN s.response r ON (gold.external_id <> '' AND r.external_id = gold.external_id)
	      OR (gold.serial <> '' AND r.serial = gold.serial)),
	both AS (SELECT EXISTS (SELECT 1 FROM th WHERE g.codes LIKE '% ' || th.code || ' %') AS coder,
	         EXISTS (SELECT 1 FROM s.tag t JOIN s.answer a ON a.id = t.answer_id
	                 WHERE a.response_id = g.rid AND t.theme_id IN (SELECT id FROM th)) AS rules FROM g)
	SELECT sum(coder AND rules) || '/' || sum(rules AND NOT coder) || '/' || sum(coder AND NOT rules) FROM both"
}
for theme in GP DIGITAL-ONLINE STAFF-PRAISE; do
	got=$(csv_counts "$theme")
	want=$(sql_counts "$theme")
	[ -n "$got" ] && [ "$got" = "$want" ] && ok "$theme TP/FP/FN $got, as SQL finds" ||
		fail "$theme TP/FP/FN: evaluate says '$got', SQL says '$want'"
done

# --- bad gold files ------------------------------------------------------------
head -3 "$GOLD" >"$TMP/unknown-theme.csv"
printf 'kobo:uuid:1bc1d2b0-3cf4-4c23-b6b4-f4033547d183,,URGENT-111; URGENT-AMBULENCE,\n' >>"$TMP/unknown-theme.csv"
run "$ANALYSER" evaluate "$DB" "$TMP/unknown-theme.csv"
expect_rc "unknown theme" 1
expect_err "unknown theme" "$TMP/unknown-theme.csv:4: unknown theme 'URGENT-AMBULENCE': did you mean 'URGENT-AMBULANCE'?"
expect_eq "unknown theme prints no results" "$out" ""
head -2 "$GOLD" >"$TMP/unknown-response.csv"
printf ',P-9999,GP,\n' >>"$TMP/unknown-response.csv"
run "$ANALYSER" evaluate "$DB" "$TMP/unknown-response.csv"
expect_rc "unknown response" 1
expect_err "unknown response" "$TMP/unknown-response.csv:3: there is no response with serial 'P-9999' in this exercise"
expect_eq "unknown response prints no results" "$out" ""
{ head -2 "$GOLD"; sed -n 2p "$GOLD"; } >"$TMP/twice.csv"
run "$ANALYSER" evaluate "$DB" "$TMP/twice.csv"
expect_rc "coded twice" 1
expect_err "coded twice" "twice.csv:3: response with external_id"
expect_err "coded twice" "is coded twice (first on line 2)"
: >"$TMP/empty.csv"
run "$ANALYSER" evaluate "$DB" "$TMP/empty.csv"
expect_rc "empty gold file" 1
expect_err "empty gold file" "empty.csv:1: the file is empty"
run "$ANALYSER" evaluate "$DB" "$TMP/no-such.csv"
expect_rc "missing gold file" 2
run "$ANALYSER" evaluate "$DB" "$GOLD" --format html
expect_rc "bad --format" 2
run "$ANALYSER" evaluate "$DB" "$GOLD" --disagreements -1
expect_rc "bad --disagreements" 2
# A coded paper form still waiting for its second entry does not count.
serial=$(sed -n 's/^,\(P-[0-9]*\),.*/\1/p' "$GOLD" | head -1)
line=$(grep -n "^,$serial," "$GOLD" | cut -d: -f1)
sqlite3 "$DB" "UPDATE response SET entry_status = 'awaiting-second-entry' WHERE serial = '$serial'"
run "$ANALYSER" evaluate "$DB" "$GOLD"
expect_rc "awaiting second entry" 1
expect_err "awaiting second entry" "$GOLD:$line: response with serial '$serial' does not count for analysis: it is waiting for a second entry"
sqlite3 "$DB" "UPDATE response SET entry_status = 'accepted' WHERE serial = '$serial'"

# --- a tiny database whose every figure is known --------------------------------
# Rules tag T1 PARK+BUS, T2 KIND, T3 PARK, T4 KIND+BUS; the coder says T1
# PARK+BUS, T2 KIND, T3 KIND, T4 BUS. Over N = 4:
#   ACCESS TP 2 FP 1 FN 0 TN 1: P 2/3, R 1, F1 0.8, kappa (3/4 - 1/2)/(1/2) = 0.5
#   PARK   TP 1 FP 1 FN 0 TN 2: P 0.5, R 1, F1 2/3, kappa (3/4 - 1/2)/(1/2) = 0.5
#   BUS    TP 2 FP 0 FN 0 TN 2: all 1, pe = 1/2, kappa 1
#   KIND   TP 1 FP 1 FN 1 TN 1: P 0.5, R 0.5, F1 0.5, po = pe = 1/2, kappa 0
#   micro  TP 6 FP 3 FN 1: P 6/9, R 6/7, F1 12/16 = 0.75
#   macro  P (2/3 + 1/2 + 1 + 1/2)/4 = 2/3, R (1 + 1 + 1 + 1/2)/4 = 0.875,
#          F1 (0.8 + 2/3 + 1 + 0.5)/4 = 0.7417, kappa (0.5 + 0.5 + 1 + 0)/4 = 0.5
T=$TMP/tiny.db
"$COLLECTOR" init "$T" "$S/exercise-2019.xml" >/dev/null
"$COLLECTOR" import "$T" "$F/tiny.csv" --map "$F/tiny.map.xml" -q >/dev/null
"$ANALYSER" tag "$T" "$F/tiny.rules.xml" >/dev/null
run "$ANALYSER" evaluate "$T" "$F/tiny-gold.csv"
expect_rc "tiny" 0
expect_out "tiny" $'\nACCESS       2     3    2    1    0  0.667  1.000  0.800  0.500\n'
expect_out "tiny" $'\n  PARK       1     2    1    1    0  0.500  1.000  0.667  0.500\n'
expect_out "tiny" $'\n  BUS        2     2    2    0    0  1.000  1.000  1.000  1.000\n'
expect_out "tiny" $'\nKIND         2     2    1    1    1  0.500  0.500  0.500  0.000\n'
expect_out "tiny" $'\n(micro)      7     9    6    3    1  0.667  0.857  0.750\n'
expect_out "tiny" $'\n(macro)                              0.667  0.875  0.742  0.500\n'
expect_out "tiny" $'Disagreements: 4\n  response 3 (tiny:T3)\n    ACCESS  rules only: PARK/1 in UEC-BETTER "Park"\n'
expect_out "tiny" $'    KIND    coder only\n  response 4 (tiny:T4)\n    KIND    rules only: KIND/1 in UEC-WELL "Kind"'
run "$ANALYSER" evaluate "$T" "$F/tiny-gold.csv" --format csv
expect_out "tiny csv" $'KIND,Kind staff,1,2,2,1,1,1,1,0.5000,0.5000,0.5000,0.0000\n'
expect_out "tiny csv" $'(micro),micro average: summed counts,,7,9,6,3,1,6,0.6667,0.8571,0.7500,\n'
expect_out "tiny csv" "(macro),macro average: mean over 4 themes,,,,,,,,0.6667,0.8750,0.7417,0.5000"
run "$ANALYSER" evaluate "$T" "$F/tiny-gold.csv" --level 1 --format csv
expect_eq "tiny --level 1 rows" "$(printf '%s\n' "$out" | cut -d, -f1 | paste -sd' ')" \
	"theme ACCESS KIND (micro) (macro)"
# The same gold file against the samples' database: its responses are not there.
run "$ANALYSER" evaluate "$DB" "$F/tiny-gold.csv"
expect_rc "another database's responses" 1
expect_err "another database's responses" "tiny-gold.csv:2: there is no response with external_id 'tiny:T1' in this exercise"

# The matched words are personal data too: a match that runs over a phone
# number or an e-mail address shows "[phone]", "[email]", never the number.
P=$TMP/personal.db
"$COLLECTOR" init "$P" "$S/exercise-2019.xml" >/dev/null
printf 'Id,What works well?,What could be better?\nT1,Nothing,Kind people rang 07700 900123 and jo.bloggs@example.com back\n' >"$TMP/personal.csv"
"$COLLECTOR" import "$P" "$TMP/personal.csv" --map "$F/tiny.map.xml" -q >/dev/null
sed 's|<include>kind</include>|<include>kind.{0,60}back</include>|' "$F/tiny.rules.xml" >"$TMP/personal.rules.xml"
"$ANALYSER" tag "$P" "$TMP/personal.rules.xml" --allow-failing-examples >/dev/null 2>&1
printf 'external_id,themes\ntiny:T1,BUS\n' >"$TMP/personal-gold.csv"
run "$ANALYSER" evaluate "$P" "$TMP/personal-gold.csv"
expect_rc "matched words with personal data" 0
expect_out "matched words with personal data: redacted" 'KIND/1 in UEC-BETTER "Kind people rang [phone] and [email]'
case "$out" in *07700*|*bloggs*) fail "matched words with personal data: shown" "$out" ;; *) ok "matched words with personal data: not shown" ;; esac

finish
